#!/bin/sh
# pin-layout.sh MODE FS: a pinned DAX page keeps its block.  pin_layout
# pins 64 KiB of file A, with vmsplice() or with an O_DIRECT read that
# dm-delay holds in flight for 3 s, and frees or moves A's blocks under
# the pin: truncate, unlink of the last name, punch hole, collapse,
# zero and insert range (ext4, xfs), a truncate of a file whose walk
# meets a hole with over 1 GiB after it, and a truncate killed while it
# waits.  Each must wait for the pin, and file B, which then gets A's old
# block, must hold its own data only.  Waits must not look like hung
# tasks (the detector runs at 2 s), and the log must have no warning.
# Last, A is deleted by a task that exits, which cannot wait: A's blocks
# must stay allocated, and the kernel must say so.  Pinning DAX pages is
# the series'.
# @case pin-layout-pfn-ram-ext4   pfn-ram ext4   kernels=series nvdimm_size=1G
# @case pin-layout-pfn-ram-xfs    pfn-ram xfs    kernels=series nvdimm_size=1G
# @case pin-layout-pfn-pmem-ext4  pfn-pmem ext4  kernels=series nvdimm_size=1G
# @case pin-layout-pfn-pmem-xfs   pfn-pmem xfs   kernels=series nvdimm_size=1G
# @case pin-layout-pfn-ram-ext2   pfn-ram ext2   kernels=series nvdimm_size=1G
. /daxgup/lib.sh
mode=$1 fs=$2
DELAYED=/dev/mapper/delayed

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "dm-delay over $SCRATCH: reads take 3 s" $DMSETUP --noudevsync create \
	delayed --table "0 $(blockdev --getsz $SCRATCH) delay $SCRATCH 0 3000" ||
	exit 1
[ -e $DELAYED ] || $DMSETUP --noudevsync mknodes delayed
# kmemleak's thread sleeps uninterruptibly for its first 60 s (see
# pin-unbind.sh): lower the hung-task timeout only after that.
if [ -e /sys/kernel/debug/kmemleak ]; then
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 120 ]; do sleep 1; done
fi
echo 2 > /proc/sys/kernel/hung_task_timeout_secs
dmesg -c > /dev/null

# ext2 has no fallocate: truncate only
ops="truncate unlink punch collapse zero insert sparse kill"
[ "$fs" = ext2 ] && ops="truncate unlink kill"
for op in $ops; do
	echo "# pin_layout $op"
	$BIN/pin_layout $op $DAX
	[ $? -le 1 ] || not_ok "pin_layout $op ran" "setup error"
done
dmesg > /tmp/dmesg
# the O_DIRECT read itself sleeps uninterruptibly in dm-delay for 3 s
echo 120 > /proc/sys/kernel/hung_task_timeout_secs
echo "# pin_layout dio"
$BIN/pin_layout dio $DAX $DELAYED $PMEM
[ $? -le 1 ] || not_ok "pin_layout dio ran" "setup error"

check "no hung-task report while the operations wait" \
	sh -c "! grep 'blocked for more than' /tmp/dmesg"
dmesg > /tmp/dmesg
sed 's/^/# /' /tmp/dmesg
check "no warning" sh -c "! grep -E 'WARNING|deleted while its page' /tmp/dmesg"

echo "# pin_layout exit"
$BIN/pin_layout exit $DAX
[ $? -le 1 ] || not_ok "pin_layout exit ran" "setup error"
dmesg > /tmp/dmesg
check "the kernel says that A's pinned blocks stay allocated" grep -q \
	'deleted while its page at offset 1048576 is pinned: its blocks stay allocated' \
	/tmp/dmesg
check "no other warning" sh -c "! grep WARNING /tmp/dmesg"
$DMSETUP --noudevsync remove delayed
umount $DAX
# ext4 keeps the deleted inode on its orphan list, which a mount frees
if [ "$fs" = ext4 ]; then
	check "mount again -o dax" mount_dax ext4 "$PMEM" && umount $DAX
	check "the mount freed the kept inode (e2fsck -fn is clean)" \
		e2fsck -fn "$PMEM"
fi
