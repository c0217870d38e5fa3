#!/bin/sh
# teardown.sh MODE N: enable and disable a pfn namespace N times, using
# it each time: mount -o dax, write and verify data through an mmap,
# unmount, unbind.  Every unbind must finish within 30 s, and the DRAM
# that the first cycle took must not grow (a leaked memmap or pagemap
# would show here; the debug config's kmemleak looks for the rest).
# @case teardown-pfn-ram   pfn-ram 20   kernels=series
# @case teardown-pfn-pmem  pfn-pmem 20  kernels=series
. /daxgup/lib.sh
mode=$1 n=$2

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
check "mkfs.ext4" make_fs ext4 "$PMEM" || exit 1
i=1 fails=0 slowest=0 first=
while [ $i -le "$n" ]; do
	if [ $i -gt 1 ]; then
		echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/bind && wait_for "$PMEM" 10 ||
			{ echo "# cycle $i: bind failed"; fails=$((fails + 1)); break; }
	fi
	mount_dax ext4 "$PMEM" &&
		$BIN/mmap_pattern write $DAX/f$i 1048576 $i &&
		$BIN/mmap_pattern verify $DAX/f$i 1048576 $i &&
		umount $DAX ||
		{ echo "# cycle $i: I/O failed"; fails=$((fails + 1)); umount $DAX 2>/dev/null; }
	t0=$(date +%s)
	timeout 30 sh -c "echo $pfn > /sys/bus/nd/drivers/nd_pmem/unbind" ||
		{ echo "# cycle $i: unbind failed or hung"; fails=$((fails + 1)); break; }
	t=$(( $(date +%s) - t0 ))
	[ $t -gt $slowest ] && slowest=$t
	f=$(memfree)
	[ -z "$first" ] && first=$f
	i=$((i + 1))
done
cycles=$((i - 1))
echo "# $cycles cycles, $fails failures, slowest unbind ${slowest}s"
echo "# MemFree after cycle 1: $first KiB, after cycle $cycles: $f KiB"
check "$n enable/use/disable cycles of $pfn ($mode), all clean" \
	test "$cycles" = "$n" -a "$fails" = 0
check "no DRAM lost over the cycles ($((first - f)) KiB, under 1 MiB)" \
	test $((first - f)) -lt 1024
verify_all() {
	local j
	echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/bind && wait_for "$PMEM" 10 &&
		mount_dax ext4 "$PMEM" || return 1
	for j in $(seq 1 "$n"); do
		$BIN/mmap_pattern verify $DAX/f$j 1048576 $j || return 1
	done
	umount $DAX
}
check "after a last bind, the data of every cycle is there" verify_all
