#!/bin/sh
# legacy.sh unaligned|aligned: a raw namespace of a legacy (e820,
# memmap=) region.  4.4 maps such a namespace with struct pages whatever
# its alignment, which hot-adds a partial memory section (and
# __remove_pages() BUG()s on one at unbind).  devm_memremap_pages() now
# takes whole sections only, so a region that ends inside a section must
# come up without pages, do I/O, and unbind and rebind cleanly; DAX
# get_user_pages() of it fails, as on any raw namespace without a
# memmap.  Its "mode" says which: "memory" with pages, "raw" without.
# @case legacy-unaligned  unaligned  kernels=series nvdimms=0 append=memmap=200M!1G
# @case legacy-aligned    aligned    kernels=series nvdimms=0 append=memmap=256M!1G
# The disk keeps 4.4's name, pmem0m ("mapped"), so that nothing that
# names it breaks.
. /daxgup/lib.sh
DEV=/dev/pmem0m
UNBIND=/sys/bus/nd/drivers/nd_pmem/unbind BIND=/sys/bus/nd/drivers/nd_pmem/bind

# readback: the first MiB of $DEV, read past the page cache, is
# the pattern in /tmp/pat
readback() {
	echo 3 > /proc/sys/vm/drop_caches &&
		dd if=$DEV of=/tmp/back bs=1M count=1 2>/dev/null &&
		cmp /tmp/pat /tmp/back
}
# roundtrip: 1 MiB of a pattern written to $DEV reads back
roundtrip() {
	$BIN/mmap_pattern write /tmp/pat 1048576 7 &&
		dd if=/tmp/pat of=$DEV bs=1M count=1 conv=fsync 2>/dev/null &&
		readback
}

check "load nd_e820 and nd_pmem" sh -c "$MODPROBE nd_e820 && $MODPROBE nd_pmem" || exit 1
check "$DEV appears" wait_for $DEV 10 || exit 1
show "the region" awk '/Persistent Memory/ { print }' /proc/iomem
if [ "$1" = aligned ]; then
	check "it is 256 MiB" test "$(cat /sys/block/pmem0m/size)" = $((256 * 2048))
	check "not logged: mapped without struct pages" \
		sh -c "! dmesg | grep -q 'mapped without struct pages'"
	check "namespace0.0's mode reads memory: it has pages" \
		test "$(cat $ND/namespace0.0/mode)" = memory
else
	check "it is 200 MiB" test "$(cat /sys/block/pmem0m/size)" = $((200 * 2048))
	check "logged: mapped without struct pages" logged "not aligned to memory sections (128 MiB): mapped without struct pages"
	check "namespace0.0's mode reads raw: it has no pages" \
		test "$(cat $ND/namespace0.0/mode)" = raw
fi
check "1 MiB written reads back" roundtrip
check "unbind namespace0.0" sh -c "echo namespace0.0 > $UNBIND"
check "$DEV is gone" sh -c "! test -e $DEV"
check "rebind namespace0.0" sh -c "echo namespace0.0 > $BIND" && wait_for $DEV 10
check "the data is still there" readback
