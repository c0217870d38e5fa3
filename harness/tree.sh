#!/usr/bin/env bash
# tree.sh: make build/linux, a git tree whose first commit is the pristine
# base and whose later commits are series/ applied with 'git am'.
# Also unpacks build/base/linux, the untouched tree that KERNEL=base builds.
#
#   tree.sh [series|base]     (default: both)
#
# build/linux is left alone when it already matches series/.  If it holds
# commits or edits that series/ does not, it is not overwritten: export them
# ('make export') or throw them away (FORCE=1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$BUILD/linux
stamp=$BUILD/.tree-stamp	# "<series hash> <HEAD after apply>"
base_date="2019-04-03T00:00:00Z"

git_tree() {
	git -C "$tree" -c user.name="$PROJECT_NAME" -c user.email="$PROJECT_EMAIL" "$@"
}

make_base_commit() {
	"$TOP/harness/base.sh" extract "$tree"
	msg "recording the pristine base as the first commit of build/linux"
	git init -q -b main "$tree"
	git -C "$tree" config user.name "$PROJECT_NAME"
	git -C "$tree" config user.email "$PROJECT_EMAIL"
	git -C "$tree" config core.abbrev 12
	git -C "$tree" add -A -f .
	GIT_AUTHOR_DATE=$base_date GIT_COMMITTER_DATE=$base_date \
		git_tree commit -q -m "Linux $LINUX_VERSION" \
		-m "Pristine base, unpacked from linux-$LINUX_VERSION.tar.xz."
	git -C "$tree" tag base
}

apply_series() {
	local p n=0
	git -C "$tree" reset -q --hard base
	git -C "$tree" clean -q -fdx
	[ -f "$SERIES/series" ] || { msg "series/series is missing: applying nothing"; return; }
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "$SERIES/$p" ] || die "series/series names $p, which does not exist"
		# --keep-non-patch: strip "[PATCH n/N]" but keep a bracketed
		# subsystem tag such as "[media]", so a re-export is unchanged
		if ! git_tree am -q --keep-non-patch --committer-date-is-author-date \
			"$SERIES/$p" >"$BUILD/.am.log" 2>&1; then
			git -C "$tree" am --abort >/dev/null 2>&1 || true
			cat "$BUILD/.am.log" >&2
			die "series/$p does not apply to build/linux (after $n patches)"
		fi
		n=$((n + 1))
	done < "$SERIES/series"
	msg "applied $n patch(es) from series/"
}

series_tree() {
	local want head
	want=$(series_hash)
	if [ ! -d "$tree/.git" ]; then
		[ ! -e "$tree" ] || die "$tree exists but is not a git tree: remove it"
		make_base_commit
	elif ! git -C "$tree" rev-parse -q --verify base >/dev/null; then
		die "$tree has no 'base' tag: it was not made by this harness; remove it"
	else
		head=$(git -C "$tree" rev-parse HEAD)
		if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want $head" ] &&
		   [ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
			msg "build/linux is up to date with series/"
			return
		fi
		if [ "${FORCE:-0}" != 1 ]; then
			if [ ! -f "$stamp" ] || [ "${head}" != "$(cut -d' ' -f2 "$stamp")" ] ||
			   [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
				die "build/linux has commits or edits that series/ lacks.
  Export them first: make export
  or discard them:   make tree FORCE=1"
			fi
		fi
	fi
	apply_series
	echo "$want $(git -C "$tree" rev-parse HEAD)" > "$stamp"
}

base_tree() {
	if [ -d "$BUILD/base/linux" ]; then
		check_version "$BUILD/base/linux"
	else
		"$TOP/harness/base.sh" extract "$BUILD/base/linux"
	fi
}

case "${1:-all}" in
series) series_tree ;;
base) base_tree ;;
all) base_tree; series_tree ;;
*) die "usage: tree.sh [series|base|all]" ;;
esac
