#!/bin/sh
# hwpoison.sh MODE FS: memory-failure calls on DAX pages.  The pages of
# a pfn device have no memory failure handling in this kernel: madvise()
# MADV_SOFT_OFFLINE and MADV_HWPOISON on a DAX mapping, and a write of
# a device page's address to /sys/devices/system/memory/soft_offline_page
# and hard_offline_page, must each be refused with EOPNOTSUPP and leave
# no reference behind: the data reads back, and the unbind that follows
# finishes at once.
# @case hwpoison-pfn-ram-ext4   pfn-ram ext4   kernels=series
# @case hwpoison-pfn-pmem-xfs   pfn-pmem xfs   kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2
MEM=/sys/devices/system/memory

# offline KIND PHYS: write PHYS to KIND_offline_page; it must fail with
# EOPNOTSUPP ("Operation not supported")
offline() {
	local out
	out=$(sh -c "echo $2 > $MEM/$1_offline_page" 2>&1) &&
		{ echo "the write succeeded"; return 1; }
	echo "$out"
	case "$out" in *"not supported"*) return 0 ;; esac
	return 1
}

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
$BIN/hwpoison $DAX/poison > /tmp/hwpoison.out 2>&1
rc=$?
cat /tmp/hwpoison.out
check "hwpoison: all its checks passed" test $rc = 0
phys=$(sed -n 's/^# phys //p' /tmp/hwpoison.out)
if [ -n "$phys" ] && [ "$phys" != 0 ]; then
	show "soft_offline_page of a device page ($phys) is refused" offline soft "$phys"
	show "hard_offline_page of a device page ($phys) is refused" offline hard "$phys"
else
	not_ok "the physical address of a DAX page" "pagemap gave '$phys'"
fi
check "the file reads back" $BIN/hwpoison verify $DAX/poison
check "umount" umount $DAX
# a page reference left behind would hold the unbind forever (and it
# cannot be killed): wait for it in the background
echo $pfn > /sys/bus/nd/drivers/nd_pmem/unbind &
unbind=$!
check "the unbind of $pfn finishes within 30 s, no reference left" \
	wait_exit $unbind 30 || exit 1
check "rebind $pfn" sh -c "echo $pfn > /sys/bus/nd/drivers/nd_pmem/bind"
