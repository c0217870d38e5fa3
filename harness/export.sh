#!/usr/bin/env bash
# export.sh: write build/linux's commits after 'base' back into series/ as
# mail-ready 'git format-patch' files, a cover letter and a quilt-style
# 'series' file.  Deterministic: exporting an unchanged tree changes nothing.
# The mails carry their recipients: To/Cc from 'mail.sh recipients' (the
# tree's get_maintainer.pl), as 'make mail' expects them.
#
# The cover letter's subject and text are yours: they are kept from the
# current series/0000-cover-letter.patch; the shortlog and diffstat below
# them are regenerated.
#
#   OUT=dir export.sh      write somewhere other than series/
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$BUILD/linux
out=${OUT:-$SERIES}
cover=$SERIES/0000-cover-letter.patch
[ -d "$tree/.git" ] || die "no build/linux: run 'make tree' first"
git -C "$tree" rev-parse -q --verify base >/dev/null || die "build/linux has no 'base' tag"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(git -C "$tree" rev-list --count base..HEAD)
mkdir -p "$out"

# Keep the hand-written part of the cover letter: the subject after
# "[PATCH 0/N] " and the body up to the shortlog's "name (count):" line.
subject="dax-gup: get_user_pages() for DAX mappings"
blurb=$tmp/blurb
printf '%s\n' "*** Describe the series here. ***" > "$blurb"
if [ -f "$cover" ]; then
	subject=$(sed -n 's/^Subject: \[[^]]*\] //p' "$cover" | head -n 1)
	awk -v who="$PROJECT_NAME" '
		!body && /^$/ { body = 1; next }
		body && index($0, who " (") == 1 { exit }
		body { print }' "$cover" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$blurb"
fi

if [ "$n" -gt 0 ]; then
	git -C "$tree" -c core.abbrev=12 format-patch -q --zero-commit --no-signature \
		--cover-letter --numbered --subject-prefix=PATCH -o "$tmp/p" base..HEAD
	# The cover letter: fixed date (the newest patch's), our subject and text.
	date=$(git -C "$tree" log -1 --format='%aD' HEAD)
	awk -v subj="$subject" -v date="$date" -v blurbfile="$blurb" '
		/^Date: / && !done_date { print "Date: " date; done_date = 1; next }
		/^Subject: / && !done_subj { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj); done_subj = 1 }
		/^\*\*\* BLURB HERE \*\*\*$/ {
			while ((getline l < blurbfile) > 0) print l
			next }
		{ print }' "$tmp/p/0000-cover-letter.patch" > "$tmp/cover"
	mv "$tmp/cover" "$tmp/p/0000-cover-letter.patch"
	"$TOP/harness/mail.sh" recipients "$tmp/p"
else
	mkdir -p "$tmp/p"
fi

# Replace series/ contents: patches, cover letter and the series file.
find "$out" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
[ "$n" -gt 0 ] && cp "$tmp/p"/*.patch "$out/"
{
	echo "# Patch order for 'git am' (quilt style).  Written by 'make export'."
	(cd "$tmp/p" && ls | grep -v '^0000-cover-letter.patch$' || true)
} > "$out/series"

if [ "$out" = "$SERIES" ]; then
	# build/linux now matches series/: record it for tree.sh.
	echo "$(series_hash) $(git -C "$tree" rev-parse HEAD)" > "$BUILD/.tree-stamp"
fi
msg "exported $n patch(es) to ${out#$TOP/}/"
