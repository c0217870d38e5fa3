#!/usr/bin/env bash
# cases.sh [KERNEL [DIR]]: the guest test cases, read from the tests
# themselves (DIR: tests/guest).
#
# The directory listing is the registry: every tests/guest/*.sh declares
# its cases in its header, one line each,
#
#   # @case NAME [key=value...] [ARG...]
#   # @todo KERNEL REASON
#
# NAME starts with the file's name.  The keys: kernels= (comma-separated;
# default every kernel), boots= (boots on the same NVDIMM files, default
# 1; the test reads its number with 'job boot'), and the job keys of the
# case's topology: nvdimms, nvdimm_size, mem, smp, machine, persistence,
# append, timeout.  The
# other words are the test's arguments.  A NAME may have one line per
# kernel, each with what that kernel must give.  @todo marks every case
# of the file as an expected failure on KERNEL, with the reason.
#
# Prints "NAME|FILE|SETTINGS|ARGS|TODO" for each case that applies to
# KERNEL (every case without one, with KERNEL "-" in place of TODO).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

want=${1:-}
dir=${2:-$TOP/tests/guest}
for f in "$dir"/*.sh; do
	awk -v file="$(basename "$f")" -v want="$want" '
	function fail(why) {
		printf "error: %s: %s\n", FILENAME, why > "/dev/stderr"; bad = 1; exit 1
	}
	$1 == "#" && $2 == "@todo" && (want == "" || $3 == want) {
		todo = $0; sub(/^# @todo [^ ]+ /, "", todo)
	}
	$1 == "#" && $2 == "@case" {
		name = $3; kernels = ""; settings = ""; args = ""
		stem = file; sub(/\.sh$/, "", stem)
		if (index(name, stem) != 1)
			fail("case " name " does not start with the file name " stem)
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^kernels=/)
				kernels = "," substr($i, 9) ","
			else if ($i ~ /^(boots|nvdimms|nvdimm_size|mem|smp|machine|persistence|append|timeout)=/)
				settings = settings " " $i
			else if ($i ~ /^[a-z_]+=/)
				fail("case " name ": unknown key in " $i)
			else
				args = args " " $i
		}
		if (want != "" && kernels != "" && index(kernels, "," want ",") == 0)
			next
		n++
		line[n] = name "|" file "|" substr(settings, 2) "|" substr(args, 2)
	}
	END {
		if (bad) exit 1
		for (i = 1; i <= n; i++)
			print line[i] "|" (want == "" ? "-" : todo)
	}' "$f"
done
