#!/usr/bin/env bash
# per-patch.sh: build every patch of the series on its own, for each arch
# in ARCHES (default "x86_64 i386 arm64"): is the series bisectable?
#
#   ARCHES="x86_64 i386 arm64" [SINCE=<commit>] [UNTIL=<commit>]
#       [ROBOT_CONFIG=small] [TARGETS="<object>..."] per-patch.sh
#
# ROBOT_CONFIG=small (see robot.sh) builds a third of what defconfig
# does, into build/pp/robot/<arch>-small.  TARGETS builds only those
# objects at each commit, into build/pp/robot-targets.
#
# SINCE builds only the commits after <commit>, on top of the output of an
# earlier run that ended there (a new part of the series, without
# rebuilding the parts before it).  UNTIL stops at <commit> (default
# HEAD): the series as posted, while newer commits are in the tree.
#
# Checks the tree's commits out one at a time, base first, into a worktree
# (build/pp/linux) so that build/linux is left alone, and builds each with
# robot.sh (defconfig + config/robot.config) into build/pp/robot/<arch>.
# After the base, each commit builds incrementally on the one before.
#
# Prints TAP: one test per commit and arch.  A test fails if the build
# fails or if it shows a warning the base's full build did not (compared
# as "file: message", without line numbers).  The base's warnings are
# recorded by a full build in an empty output directory, once per arch
# and set of config fragments (config/*.config).
# After x86_64's commits, one more test: every C file the series touches
# has an object (with TARGETS: every target was built), so that a config
# that leaves out the series' code cannot pass.  Files under another
# arch's directory do not count, nor those config/robot-x86_64.unbuilt
# lists with the reason.  Other arches lack ZONE_DEVICE; for them the
# files not built are listed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
KERNEL=series
kernel_paths

ARCHES=${ARCHES:-x86_64 i386 arm64}
pp=$BUILD/pp
wt=$pp/linux
[ -d "$SRC/.git" ] || die "no series tree at ${SRC#$TOP/}: run 'make tree'"
git -C "$SRC" rev-parse -q --verify base >/dev/null ||
	die "${SRC#$TOP/} has no 'base' tag: run 'make tree FORCE=1'"

# make tree gives the commits new ids: say where to find the current ones
ids="'git -C ${SRC#$TOP/} log --oneline base..' lists the tree's commits"
since=$(git -C "$SRC" rev-parse -q --verify "${SINCE:-base}^{commit}") ||
	die "SINCE: no commit '$SINCE' in ${SRC#$TOP/}; $ids"
until=$(git -C "$SRC" rev-parse -q --verify "${UNTIL:-HEAD}^{commit}") ||
	die "UNTIL: no commit '${UNTIL:-HEAD}' in ${SRC#$TOP/}; $ids"
mapfile -t commits < <(git -C "$SRC" rev-list --reverse "$since".."$until")
[ ${#commits[@]} -gt 0 ] ||
	die "no commits after ${SINCE:-base} up to ${UNTIL:-HEAD}; $ids"

if [ ! -e "$wt/.git" ]; then
	mkdir -p "$pp"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" base
fi

# warnings LOG: the log's compiler warnings as "file: message" (no line
# numbers, so that a warning keeps its identity when code above it moves).
warnings() {
	build_warnings "$1" "$wt" |
		sed -n 's/^\([^ :]*\):[0-9]*:[0-9]*: warning: \(.*\)$/\1: \2/p' | sort -u
}

robots=$pp/robot${TARGETS:+-targets}

# build_at COMMIT ARCH: build COMMIT for ARCH, quietly; the log is kept.
build_at() {
	git -C "$wt" checkout -q --detach "$1"
	ROBOT_SRC=$wt ROBOT_DIR=$robots "$TOP/harness/robot.sh" --arch "$2" \
		> "$pp/robot-$2.out" 2>&1
}

n=0 failed=0
# unbuilt ARCH OUT: what OUT lacks.  With TARGETS, the targets not
# built; else the series' C files (base..UNTIL) with no object, among
# those ARCH can build: not under another arch's directory, and not
# marked "-" in config/robot-ARCH.unbuilt, which also names the object
# of a file that another #includes.
unbuilt() {
	local f obj dir=$1 list=$TOP/config/robot-$1.unbuilt
	if [ -n "${TARGETS:-}" ]; then
		for f in $TARGETS; do [ -e "$2/$f" ] || echo "$f"; done
		return
	fi
	case "$1" in i386|x86_64) dir=x86 ;; esac
	while read -r f; do
		case "$f" in
		arch/"$dir"/*) ;;
		arch/*|tools/*|scripts/*|Documentation/*) continue ;;
		esac
		obj=$(awk -v f="$f" '$1 == f { print $2 }' "$list" 2>/dev/null)
		case "$obj" in
		-) continue ;;
		'') obj=${f%.c}.o ;;
		esac
		[ -f "$2/$obj" ] || echo "$f"
	done <<< "$series_c"
}

# the base's reference is good for its config fragments and, with
# TARGETS, for those objects only: another set needs its own
frags_sum=$({ cat "$TOP"/config/*.config; echo "${TARGETS:-}"; } | sha1sum | cut -d' ' -f1)
series_c=$(git -C "$SRC" diff --name-only --diff-filter=AM base "$until" -- '*.c')
plan=$(( ${#commits[@]} * $(wc -w <<< "$ARCHES") ))
[[ " $ARCHES " = *" x86_64 "* ]] && plan=$((plan + 1))
echo "1..$plan"
for a in $ARCHES; do
	out=$(robot_out "$robots" "$a")
	# The reference is only good for the config it was built with: a
	# new symbol in a fragment compiles code (and warnings) it never saw.
	if [ ! -f "$out/base-warnings.txt" ] ||
	   [ "$(cat "$out/base-config.sum" 2>/dev/null)" != "$frags_sum" ]; then
		rm -rf "$out"
		msg "per-patch: full build of the base for $a (the reference for new warnings, for these config fragments)"
		build_at base "$a" || die "the base does not build for $a (see ${pp#$TOP/}/robot-$a.out)"
		warnings "$out/build.log" > "$out/base-warnings.txt.new"
		echo "$frags_sum" > "$out/base-config.sum"
		mv "$out/base-warnings.txt.new" "$out/base-warnings.txt"
	fi
	for c in "${commits[@]}"; do
		n=$((n + 1))
		title="$a $(git -C "$SRC" log -1 --format=%s "$c")"
		start=$SECONDS
		msg "per-patch: [$n] $title"
		if ! build_at "$c" "$a"; then
			failed=$((failed + 1))
			echo "not ok $n - $title # build failed"
			grep -m 5 -E 'error:|Error [0-9]' "$out/build.log" "$pp/robot-$a.out" |
				sed 's/^/# /' || true
			continue
		fi
		new=$(warnings "$out/build.log" | comm -23 - "$out/base-warnings.txt")
		if [ -n "$new" ]; then
			failed=$((failed + 1))
			echo "not ok $n - $title # new warnings"
			sed 's/^/# /' <<< "$new"
		else
			echo "ok $n - $title # $((SECONDS - start))s"
		fi
	done
	missing=$(unbuilt "$a" "$out")
	total=$(grep -c . <<< "$series_c")
	what="every C file of the series it can ($total in the series)"
	[ -n "${TARGETS:-}" ] && what="every target ($(wc -w <<< "$TARGETS"))"
	if [ "$a" != x86_64 ]; then
		echo "# $a does not build $(grep -c . <<< "$missing") of the series' $total C files:" $missing
		continue
	fi
	n=$((n + 1))
	if [ -z "$missing" ]; then
		echo "ok $n - $a builds $what"
	else
		echo "not ok $n - $a builds $what # not built:"
		sed 's/^/#   /' <<< "$missing"
		failed=$((failed + 1))
	fi
done
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
