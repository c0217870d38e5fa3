#!/bin/sh
# pfn_t.sh: load the test_pfn_t module (CONFIG_TEST_PFN_T), the in-kernel
# self-test of the pfn_t helpers, and check its verdict: the load fails
# if any check failed, and the log ends with "N passed, N failed".
# CONFIG_TEST_PFN_T is the series'.
# @case pfn_t  kernels=series
. /daxgup/lib.sh

dmesg -c > /dev/null
check "modprobe test_pfn_t" $MODPROBE test_pfn_t
dmesg | sed -n 's/^.*test_pfn_t: //p' > /tmp/pfn_t.log
grep '^not ok' /tmp/pfn_t.log | sed 's/^/# /'
echo "# test_pfn_t: $(tail -n 1 /tmp/pfn_t.log)"
check "test_pfn_t: every check passed, and there were some" \
	awk '/^[0-9]+ passed, [0-9]+ failed$/ { found = 1; ok = ($1 >= 100 && $3 == 0) }
	     END { exit !(found && ok) }' /tmp/pfn_t.log
check "test_pfn_t: one log line per check" \
	awk '/^(ok|not ok) [0-9]+ - / { n++ } /^[0-9]+ passed, [0-9]+ failed$/ { want = $1 + $3 }
	     END { exit !(n > 0 && n == want) }' /tmp/pfn_t.log
$MODPROBE -r test_pfn_t 2>/dev/null
exit 0
