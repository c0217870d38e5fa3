#!/bin/sh
# mcsafe.sh MODE FS: reads of persistent memory survive a media error.
# The kernel's test hook (CONFIG_MCSAFE_TEST,
# /sys/kernel/debug/x86/mcsafe_test_phys) makes its machine-check-safe
# copy, memcpy_mcsafe(), fault at one physical byte, as a poisoned line
# would.  mcsafe_read.c reads 8 KiB from page 4 of a file, the poison
# at byte 0, 1, 63, 64 and 4095 of the read, and in the next page
# (across a page); and 100 bytes from an unaligned offset.  DAX read(2)
# returns exactly the bytes before the poison (EIO when there are
# none); a buffered read of the block device returns the pages before
# the poisoned one (EIO when there are none).  The bytes returned are the file's, and nothing lands in the
# buffer past them.  The kernel logs no oops.
#
# Then the namespace's info block (4 KiB into it) is made poisoned, and
# the namespace (raw) or its pfn device bound again: the probe must fail
# with EIO, and no pmem block device may appear (a raw namespace would
# let writes destroy a btt or memmap it cannot read).  Without the hook
# it binds again.
# @case mcsafe-pfn-pmem-ext4  pfn-pmem ext4 kernels=series
# @case mcsafe-pfn-ram-xfs    pfn-ram xfs   kernels=series
# @case mcsafe-raw-ext4       raw ext4      kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2
HOOK=/sys/kernel/debug/x86/mcsafe_test_phys
F=$DAX/mcsafe
check_dax_mount "$mode" "$fs" || exit 1
check "the kernel has the machine-check-safe copy's test hook ($HOOK)" \
	test -w $HOOK || exit 1
check "a file of 16 pages" $BIN/mcsafe_read $F create || exit 1

# read HOW OFF LEN POISON WANT: one read, and that it returned WANT (bytes
# or EIO) with the file's bytes and nothing past them
read_is() {
	local out
	out=$($BIN/mcsafe_read $F $PMEM "$1" "$2" "$3" "$4" 2>&1)
	echo "$out"
	[ "$out" = "read $5 before ok past ok" ]
}
#                     off  len  poison dax  blk
while read -r what off len poison dax blk; do
	check "DAX read(2), $what: $dax" read_is dax $off $len $poison $dax
	check "block read of $PMEM, $what: $blk" read_is blk $off $len $poison $blk
done <<-EOF2
	no-poison        0    8192 -1     8192 8192
	poison-at-0      0    8192 0      EIO  EIO
	poison-at-1      0    8192 1      1    EIO
	poison-at-63     0    8192 63     63   EIO
	poison-at-64     0    8192 64     64   EIO
	poison-at-4095   0    8192 4095   4095 EIO
	across-a-page    2048 8192 2053   2053 2048
	unaligned        3    100  10     10   EIO
EOF2
# O_DIRECT on the device goes through DAX too (its inode is S_DAX)
check "O_DIRECT read of $PMEM, poison at 0: EIO" read_is dio 0 8192 0 EIO
check "O_DIRECT read of $PMEM, poison at 1: 1" read_is dio 0 8192 1 1
check "O_DIRECT read of $PMEM, across a page: 2053" read_is dio 2048 8192 2053 2053
check "the hook is off again: the whole read" read_is dax 0 8192 -1 8192
rm -f $F
umount $DAX

# the info block poisoned
if dev=$(active_pfn); then :; else dev=namespace0.0; fi
start=$(cat $ND/namespace0.0/resource)
check "unbind $dev" sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/unbind"
dmesg -c > /dev/null
printf '0x%x\n' $((start + 4096)) > $HOOK
check "with its info block poisoned, $dev does not bind" \
	sh -c "! echo $dev > /sys/bus/nd/drivers/nd_pmem/bind"
check "... the probe failed with EIO" logged "probe of $dev failed with error -5"
check "... and no pmem block device appeared" sh -c "! ls /dev/pmem0*"
echo 0 > $HOOK
check "with the hook off, $dev binds again" \
	sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/bind && ls /sys/bus/nd/devices/$dev/driver"
check "... and $PMEM is back" wait_for $PMEM 10
check "no oops or BUG in the kernel log" sh -c "! dmesg | grep -E 'Oops|BUG:|Call Trace'"
