#!/usr/bin/env bash
# mail.sh: series/ is ready to mail; prove it with 'git send-email --dry-run'.
# Nothing is ever sent.
#
#   mail.sh [DIR]             check DIR's (series/'s) To/Cc, then the dry run
#   mail.sh recipients DIR    write To/Cc into DIR's patches and cover letter
#
# The recipients: To: the series' list, $MAIL_TO.  Cc: whom build/linux's
# scripts/get_maintainer.pl names for the patch (from the series tree's
# MAINTAINERS, no git history), and on the cover letter the union of the
# patches' Cc.  One address a line, sorted, where 'git format-patch --to
# --cc' puts them.  export.sh runs the recipients step, so series/ always
# carries them; running it again changes nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MAIL_TO="linux-nvdimm@lists.01.org"	# where the 2016 DAX-GUP series went
tree=$BUILD/linux
cover=0000-cover-letter.patch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# headers TO CCFILE < PATCH: PATCH with its To:/Cc: headers replaced by
# To: TO and Cc: CCFILE's lines (none at all when TO is empty).
headers() {
	awk -v to="$1" -v ccfile="$2" '
		done { print; next }
		/^$/ {
			if (to != "") print "To: " to
			n = 0
			while ((getline a < ccfile) > 0) cc[++n] = a
			for (i = 1; i <= n; i++)
				print (i == 1 ? "Cc: " : "    ") cc[i] (i < n ? "," : "")
			done = 1; print; next }
		/^(To|Cc): / { skip = 1; next }
		skip && /^[ \t]/ { next }
		{ skip = 0; print }'
}

# cc_of PATCH: the addresses in PATCH's Cc: header, one a line.
cc_of() {
	awk '/^$/ { exit }
		/^[^ \t]/ { cc = sub(/^Cc: /, "") }
		cc { sub(/^[ \t]+/, ""); sub(/,$/, ""); print }' "$1"
}

# maintainers PATCH: get_maintainer.pl's addresses for PATCH, sorted, less
# the To: list and our own address.  HOME is emptied so that no
# ~/.get_maintainer.conf changes the answer.
maintainers() {
	(cd "$tree" && HOME=/nonexistent perl scripts/get_maintainer.pl \
		--no-git --no-git-fallback --no-rolestats "$1") > "$tmp/gm" ||
		die "get_maintainer.pl failed on $(basename "$2")"
	awk -v to="$MAIL_TO" -v me="$PROJECT_EMAIL" '{
		a = $0; if (match(a, /<[^>]*>/)) a = substr(a, RSTART + 1, RLENGTH - 2)
		if (tolower(a) != tolower(to) && tolower(a) != tolower(me)) print }' "$tmp/gm" |
		LC_ALL=C sort -u
}

# recipients DIR: (re)write the To/Cc of DIR's NNNN-*.patch files.
recipients() {
	local dir=$1 f
	[ -f "$tree/scripts/get_maintainer.pl" ] ||
		die "no build/linux/scripts/get_maintainer.pl: run 'make tree' first"
	: > "$tmp/all"
	for f in "$dir"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] && [ "$(basename "$f")" != "$cover" ] || continue
		headers "" /dev/null < "$f" > "$tmp/bare"
		maintainers "$tmp/bare" "$f" > "$tmp/cc"
		[ -s "$tmp/cc" ] || die "get_maintainer.pl names nobody for $(basename "$f")"
		cat "$tmp/cc" >> "$tmp/all"
		headers "$MAIL_TO" "$tmp/cc" < "$f" > "$tmp/new" && cat "$tmp/new" > "$f"
	done
	[ -f "$dir/$cover" ] || return 0
	LC_ALL=C sort -u "$tmp/all" > "$tmp/cc"
	headers "$MAIL_TO" "$tmp/cc" < "$dir/$cover" > "$tmp/new" && cat "$tmp/new" > "$dir/$cover"
}

# check FILE...: every mail has a To:, and the recipients step would
# change nothing.
check() {
	local f
	for f in "$@"; do
		sed '/^$/q' "$f" | grep -q '^To: ' ||
			die "$(basename "$f") has no To: header: run 'make export'"
	done
	mkdir "$tmp/copy"
	cp "$@" "$tmp/copy/"
	recipients "$tmp/copy"
	for f in "$@"; do
		diff -u "$f" "$tmp/copy/$(basename "$f")" >&2 ||
			die "the To/Cc of $(basename "$f") are out of date (MAINTAINERS changed?): run 'make export'"
	done
}

# dry_run FILE...: the mails through 'git send-email --dry-run', validation
# on.  8bit, as the kernel's lists want patches, so overlong lines fail.
# The SMTP server is only named, so that the log lists the recipients.
dry_run() {
	local log=$tmp/send-email.log n f
	[ -x "$(git --exec-path)/git-send-email" ] && perl -MMail::Address -e 1 2>/dev/null ||
		die "git send-email is missing or broken: run 'harness/deps.sh mail' (Debian package: git-email)"
	git send-email --dry-run --confirm=never --no-format-patch --validate \
		--from "$PROJECT_NAME <$PROJECT_EMAIL>" --to "$MAIL_TO" --suppress-cc=self \
		--8bit-encoding=UTF-8 --transfer-encoding=8bit --smtp-server=localhost \
		"$@" < /dev/null > "$log" 2>&1 || {
		grep -v '^(mbox)' "$log" | tail -n 15 >&2
		die "git send-email --dry-run failed: fix the patch above and 'make export'"
	}
	# An address it cannot parse makes send-email ask, and with no
	# terminal it quits, exit 0, having done nothing.
	if grep -E '^(error|fatal): ' "$log" >&2; then
		die "git send-email --dry-run reported the problem above: fix the patch and 'make export'"
	fi
	n=$(grep -c '^Dry-OK' "$log" || true)
	[ "$n" = $# ] || {
		grep -v '^(mbox)' "$log" | tail -n 15 >&2
		die "git send-email --dry-run passed $n of $# mails: see its output above"
	}
	# The summary: each mail, whom it goes to (send-email's own count).
	awk '/^Dry-OK/ { if (m++) print r; r = 0 } /^RCPT TO:/ { r++ } END { print r }' "$log" > "$tmp/counts"
	for f in "$@"; do basename "$f"; done | paste - "$tmp/counts" |
		awk -F'\t' '{ printf "  %-63s %3d recipients\n", $1, $2 }'
	echo "  cover letter: To: $MAIL_TO"
	echo "  cover letter: Cc: ($(cc_of "$1" | wc -l))"
	cc_of "$1" | sed 's/.*<//; s/>$//' | paste -sd ' ' | fold -s -w 70 | sed 's/^/    /; s/ *$//'
	msg "git send-email --dry-run: $# mails OK, nothing sent"
}

case "${1:-}" in
recipients)
	[ -d "${2:-}" ] || die "usage: mail.sh recipients DIR"
	recipients "$2" ;;
*)
	dir=${1:-$SERIES}
	[ -f "$dir/$cover" ] && [ -f "$dir/series" ] || die "no $dir/$cover or series file: run 'make export'"
	files=("$dir/$cover")
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		files+=("$dir/$p")
	done < "$dir/series"
	check "${files[@]}"
	dry_run "${files[@]}" ;;
esac
