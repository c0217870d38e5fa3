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
# A task that exits, which cannot be killed, and deletes A, waits for
# the pin 5 s at most: a pin that ends within that frees A's blocks.
# Last, one that lasts: A's blocks must stay allocated, and the kernel
# must say so.  The pin outlives the
# umount: ext4's next mount waits for it, killably, and the one after it
# frees A, with orphans on either side of A on the list; ext2 leaves A
# to e2fsck, and must say that it needs a check; xfs leaves it on its
# unlinked list, for xfs_repair.  Pinning DAX pages is the series'.
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
ops="truncate unlink punch collapse zero insert sparse kill exit-brief"
[ "$fs" = ext2 ] && ops="truncate unlink kill exit-brief"
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

# ext4 keeps A's inode on its orphan list on disk.  Orphans open on
# either side of it, closed oldest first, must not drop it from the list.
[ "$fs" = ext4 ] && exec 7> $DAX/older && rm $DAX/older
echo "# pin_layout exit"
rm -f /tmp/holder
$BIN/pin_layout exit $DAX /tmp/holder 7>&-
[ $? -le 1 ] || not_ok "pin_layout exit ran" "setup error"
holder=$(cat /tmp/holder 2>/dev/null)
[ "$fs" = ext4 ] && exec 8> $DAX/younger && rm $DAX/younger
exec 7>&- 8>&-
dmesg > /tmp/dmesg
check "the kernel says that A's pinned blocks stay allocated" grep -q \
	'deleted while its page at offset 1048576 is pinned: its blocks stay allocated' \
	/tmp/dmesg
check "no other warning" sh -c "! grep WARNING /tmp/dmesg"
$DMSETUP --noudevsync remove delayed
check "umount" umount $DAX
check "a process still pins A's page after the umount" kill -0 "$holder"

# mount_waits: a mount whose orphan cleanup meets A waits for the pin,
# and SIGKILL ends the wait with A kept for the next mount
mount_waits() {
	local pid i
	dmesg -c > /dev/null
	mount -t ext4 -o dax "$PMEM" $DAX & pid=$!
	sleep 2
	kill -0 $pid || { echo "the mount did not wait"; return 1; }
	kill -9 $pid
	for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { echo "the mount runs 5 s after SIGKILL"; return 1; }
	wait $pid
	dmesg | grep 'is pinned: it and the orphans after it wait for the next mount' &&
		! dmesg | grep 'orphan inode.* deleted'
}
case $fs in
ext4)
	check "a mount waits for A's pin, and SIGKILL ends it" mount_waits
	grep -q " $DAX " /proc/mounts && umount $DAX
	kill $holder
	check "mount again -o dax, with A no longer pinned" \
		mount_dax ext4 "$PMEM" && umount $DAX
	check "that mount freed A's kept inode (e2fsck -fn is clean)" \
		e2fsck -fn "$PMEM"
	;;
ext2)
	kill $holder
	# A's inode stays for e2fsck: the filesystem must say it needs one
	check "e2fsck -p checks the filesystem, and frees A's inode" \
		sh -c 'e2fsck -p "$1"; [ $? = 1 ]' - "$PMEM"
	check "then e2fsck -fn is clean" e2fsck -fn "$PMEM"
	;;
xfs)
	kill $holder
	# A's inode stays on its AGI unlinked list, which only log recovery
	# and xfs_repair process
	check "xfs_repair -n sees A's inode on the unlinked list" \
		sh -c 'xfs_repair -n "$1"; [ $? = 1 ]' - "$PMEM"
	check "xfs_repair frees it" xfs_repair "$PMEM"
	check "then xfs_repair -n is clean" xfs_repair -n "$PMEM"
	;;
esac
