#!/usr/bin/env bash
# mail.sh: series/ carries its recipients and passes 'git send-email
# --dry-run' (harness/mail.sh).  Prints TAP lines.
. "$(dirname "$0")/../../harness/lib.sh"
. "$(dirname "$0")/tap.bash"
set -u
s=$SERIES
to="linux-nvdimm@lists.01.org"
mail=$TOP/harness/mail.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

patches() { grep -v '^#' "$s/series" | grep -v '^$'; }
head_of() { sed '/^$/q' "$1"; }		# the mail headers
cc_of() {				# the Cc: addresses, one a line
	awk '/^$/ { exit } /^[^ \t]/ { cc = sub(/^Cc: /, "") }
		cc { sub(/^[ \t]+/, ""); sub(/,$/, ""); print }' "$1"
}
copy() { rm -rf "$tmp/$1"; mkdir "$tmp/$1"; cp "$s"/*.patch "$s/series" "$tmp/$1/"; }

if [ -z "$(patches 2>/dev/null)" ]; then
	echo "ok - series/ holds no patches yet # SKIP nothing to mail"
	exit 0
fi

all_addressed() {
	local p bad=0
	for p in $(patches); do
		head_of "$s/$p" | grep -qxF "To: $to" || { echo "$p: no 'To: $to'"; bad=1; }
		[ -n "$(cc_of "$s/$p")" ] || { echo "$p: no Cc:"; bad=1; }
	done
	return $bad
}
t "every patch: To: $to and at least one Cc:" all_addressed

cover_cc_is_union() {
	local p
	for p in $(patches); do cc_of "$s/$p"; done | LC_ALL=C sort -u > "$tmp/union"
	head_of "$s/0000-cover-letter.patch" | grep -qxF "To: $to" &&
		cc_of "$s/0000-cover-letter.patch" | diff - "$tmp/union"
}
t "cover letter: To: $to, Cc: the union of the patches' Cc" cover_cc_is_union

# Without To: the dry run is refused before anything runs.
no_to_refused() {
	copy noto
	sed -i '/^To: /d' "$tmp/noto/$(patches | head -n 1)"
	! "$mail" "$tmp/noto" > "$tmp/out" 2>&1 && grep -q "has no To: header: run 'make export'" "$tmp/out"
}
t "mail.sh refuses a patch without To:, naming the fix" no_to_refused

# the tests below, by name: skipped as a whole when they cannot run
IDEMPOTENT="recipients step is idempotent (and series/ is what it writes)"
DRY_RUN="git send-email --dry-run of a copy of series/"
LONG_LINE="git send-email --dry-run: a line over 998 characters fails"
skip() { local why=$1; shift; for n in "$@"; do echo "ok - $n # SKIP $why"; done; exit 0; }

[ -f "$BUILD/linux/scripts/get_maintainer.pl" ] ||
	skip "no build/linux (make tree)" "$IDEMPOTENT" "$DRY_RUN" "$LONG_LINE"

idempotent() {
	copy once
	"$mail" recipients "$tmp/once" && diff -r "$s" "$tmp/once" &&
		cp -r "$tmp/once" "$tmp/twice" && "$mail" recipients "$tmp/twice" &&
		diff -r "$tmp/once" "$tmp/twice"
}
t "$IDEMPOTENT" idempotent

[ -x "$(git --exec-path)/git-send-email" ] ||
	skip "git send-email not installed (harness/deps.sh mail)" "$DRY_RUN" "$LONG_LINE"
dry_run() { copy dry; "$mail" "$tmp/dry"; }
t "$DRY_RUN" dry_run

# Validation stays on: a line over 998 characters fails the dry run.
long_line_fails() {
	copy long
	awk '/^---$/ && !done { print sprintf("%1200s", "x"); done = 1 } { print }' \
		"$tmp/long/$(patches | head -n 1)" > "$tmp/p" && cp "$tmp/p" "$tmp/long/$(patches | head -n 1)"
	! "$mail" "$tmp/long" > "$tmp/out" 2>&1 && grep -q 'longer than 998' "$tmp/out"
}
t "$LONG_LINE" long_line_fails
