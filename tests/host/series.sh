#!/usr/bin/env bash
# series.sh: series/ is a mail-ready patch series.  Prints TAP lines.
. "$(dirname "$0")/../../harness/lib.sh"
. "$(dirname "$0")/tap.bash"
set -u
s=$SERIES

listed() { grep -v '^#' "$s/series" | grep -v '^$'; }
t "series/series exists" test -f "$s/series"
all_listed_exist() { local p; for p in $(listed); do [ -f "$s/$p" ] || { echo "missing $p"; return 1; }; done; }
t "every patch series/series names exists" all_listed_exist
all_files_listed() {
	local f
	for f in "$s"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		case "$(basename "$f")" in 0000-cover-letter.patch) continue ;; esac
		listed | grep -qxF "$(basename "$f")" || { echo "unlisted $(basename "$f")"; return 1; }
	done
}
t "every patch file in series/ is listed in series/series" all_files_listed
n=$(listed | wc -l)
if [ "$n" -gt 0 ]; then
	cover_ok() {
		local c=$s/0000-cover-letter.patch
		[ -f "$c" ] && grep -q "^Subject: \[PATCH $(printf "%0${#n}d" 0)/$n\] " "$c" &&
			! grep -q '\*\*\* \(SUBJECT\|BLURB\) HERE' "$c" &&
			grep -qE '^ [0-9]+ files? changed' "$c"
	}
	t "cover letter: subject [PATCH 0/$n], written text, diffstat" cover_ok
	i=0
	for p in $(listed); do
		i=$((i + 1))
		mail_ok() {
			grep -q '^From: ' "$1" && grep -q '^Date: ' "$1" &&
			sed '/^$/q' "$1" | grep -q '^To: ' &&
			grep -q "^Subject: \[PATCH $2/$n\] [][A-Za-z0-9_, /.-]*: " "$1" &&
			grep -q '^diff --git ' "$1" && grep -q "^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$1"
		}
		# git format-patch pads the number to the width of the total;
		# prefixes as subsystems write them: "IB/core:", "[media] vb2:"
		t "$p: mail-ready ([PATCH $i/$n] subsystem: title, To:, sign-off, diff)" \
			mail_ok "$s/$p" "$(printf "%0${#n}d" $i)"
	done
else
	echo "ok - series/ holds no patches yet # SKIP nothing to check"
fi
