#!/bin/sh
# unbind.sh MODE FS [poweroff]: unbind nd_pmem from the namespace while a
# -o dax filesystem on it is mounted and processes do I/O through
# read/write and a DAX mmap, stream large reads, and allocate.  The process must see errors or SIGBUS, the
# unbind must finish, and the kernel must log no oops, BUG or WARN (the
# host checks the console).  Then the filesystem unmounts, a rebind
# brings the device back, and the data synced before the unbind is there.
#
# With 'poweroff', the test stops after the unbind and leaves the process
# running and the dead filesystem mounted: the guest powers off like that.
# The base unmaps pmem under in-flight DAX zeroing and oopses in this
# test, and may hang after that: one case there, time-limited.
# @case unbind-raw-xfs              raw xfs          timeout=180
# @case unbind-raw-ext4             raw ext4         kernels=series
# @case unbind-pfn-ram-ext4         pfn-ram ext4     kernels=series
# @case unbind-pfn-ram-xfs          pfn-ram xfs      kernels=series
# @case unbind-pfn-pmem-xfs         pfn-pmem xfs     kernels=series
# @case unbind-poweroff-raw-ext4    raw ext4 poweroff      kernels=series
# @case unbind-poweroff-pfn-ram-xfs pfn-ram xfs poweroff   kernels=series
# @todo base the base unmaps pmem under in-flight DAX zeroing and oopses (fixed by "block, dax, pmem: fix lifetime of in-kernel DAX mappings")
. /daxgup/lib.sh
mode=$1 fs=$2 end=${3:-rebind}
DAX=/mnt/unbind		# not /mnt/dax: /init must not unmount it first

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
dev=namespace0.0
[ "$mode" = raw ] || dev=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "before: 8 MiB written through a DAX mmap, synced" \
	$BIN/mmap_pattern write $DAX/before 8388608 77 || exit 1
check "a 16 MiB file to hammer" \
	dd if=/dev/zero of=$DAX/hammer bs=1M count=16 conv=fsync || exit 1
check "a 1 GiB file to stream" \
	dd if=/dev/zero of=$DAX/stream bs=1M count=1024 conv=fsync || exit 1
sync

$BIN/dax_hammer $DAX/hammer > /tmp/hammer.out 2>&1 &
hammer=$!
# 256 MiB read(2)s: nearly all the time one is copying from the kernel's DAX
# mapping of the device, so the unbind lands in the middle of one, and
# must wait for it before it unmaps the device.
(while dd if=$DAX/stream of=/dev/null bs=256M 2>/dev/null; do :; done) &
stream=$!
# 512 MiB writes to new files: the filesystem allocates and zeroes the
# blocks through the DAX mapping first (xfs: dax_clear_blocks()), which,
# unlike the copies to and from user memory, has no fault fixup.
(i=0; while dd if=/dev/zero of=$DAX/alloc$((i % 2)) bs=512M count=1 2>/dev/null; do
	i=$((i + 1)); rm -f $DAX/alloc$((i % 2)); done) &
alloc=$!
sleep 2
kill -USR1 $hammer
# The unbind must not hang: teardown waits for DAX accesses in flight.
# The filesystem will report I/O errors (and XFS shuts down with a
# backtrace of its own); tell the host's report scan so.
echo "$REMOVAL_MARKER" > /dev/kmsg
t0=$(date +%s)
check "unbind nd_pmem from $dev (mounted, I/O running)" \
	timeout 60 sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/unbind"
echo "# unbind took $(( $(date +%s) - t0 ))s"
kill -USR1 $hammer
check "$dev has no driver now" test ! -e $ND/$dev/driver
sleep 2
if [ "$end" = poweroff ]; then
	ok "leaving $DAX mounted and dax_hammer running for the poweroff"
	exit 0
fi

check "the streaming reader stopped with an error" wait $stream
check "the allocating writer stopped with an error" wait $alloc
kill -TERM $hammer
check "dax_hammer stopped" wait $hammer
sed 's/^/# /' /tmp/hammer.out
# "phase N: rounds R ok O rw_errors E (first: ...) sigbus S"; phase 0 is
# before the unbind, 1 during it, 2 after it
check "before the unbind: I/O worked, no errors, no SIGBUS" \
	awk '/^phase 0:/ { exit !($6 > 100 && $8 == 0 && $NF == 0) }' /tmp/hammer.out
check "after the unbind: every round saw an error or SIGBUS" \
	awk '/^phase 2:/ { exit !($4 > 0 && $6 == 0 && ($8 > 0 || $NF > 0)) }' /tmp/hammer.out
check "umount after the unbind" umount $DAX || exit 1

check "rebind $dev" sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/bind"
check "$PMEM is back" wait_for $PMEM 10 || exit 1
check "mount -o dax again" mount_dax "$fs" "$PMEM" || exit 1
check "before: the data synced before the unbind is intact" \
	$BIN/mmap_pattern verify $DAX/before 8388608 77
check "umount" umount $DAX
