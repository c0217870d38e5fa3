#!/bin/sh
# pin-unbind.sh MODE FS: a page pin outlives its mapping.  pin_hold pins
# 64 KiB of a DAX file with vmsplice(), then unmaps and closes it; only a
# pipe holds the pages.  The filesystem unmounts, and the unbind of the
# pfn device must wait for the pin (no use-after-free of the device's
# pages), then finish once pin_hold reads the pipe, verifies the data and
# exits.  A rebind brings the device and the file back.
# Pinning DAX pages is the series'.
# @case pin-unbind-pfn-ram-xfs    pfn-ram xfs    kernels=series
# @case pin-unbind-pfn-pmem-ext4  pfn-pmem ext4  kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
rm -f /tmp/pinned
$BIN/pin_hold $DAX/pinned /tmp/pinned > /tmp/pin.out 2>&1 &
holder=$!
check "vmsplice() pins DAX pages, then the file is closed" wait_for /tmp/pinned 10 ||
	{ cat /tmp/pin.out; exit 1; }
check "umount with the pin held" umount $DAX
# With kmemleak, its thread sleeps uninterruptibly (ssleep()) for its
# first 60 s after it starts (at about 42 s of uptime under the debug
# kernel and TCG), which a 2 s timeout would report:
# lower the timeout only once that sleep is over.
if [ -e /sys/kernel/debug/kmemleak ]; then
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 120 ]; do sleep 1; done
fi
echo 2 > /proc/sys/kernel/hung_task_timeout_secs
dmesg -c > /dev/null
echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &
unbind=$!
sleep 6		# the detector looks every 2 s, and reports after 2 looks
check "the unbind of $pfn waits for the pinned pages" kill -0 $unbind
check "the pin holder still runs" kill -0 $holder
# The wait for the pin is over once the pipe goes; what follows, the
# memory hot-remove of the memmap, takes seconds under a debug kernel and
# TCG, which the 2 s timeout would report: put the default back first.
echo 120 > /proc/sys/kernel/hung_task_timeout_secs
kill -TERM $holder
wait $holder
rc=$?
sed 's/^/# /' /tmp/pin.out
check "the pipe's pages read back intact, after the unbind began" test $rc = 0
check "the unbind finishes once the pipe is gone" wait_exit $unbind 120
dmesg > /tmp/dmesg
sed 's/^/# /' /tmp/dmesg
check "the log says how many pages the unbind waited for" \
	grep -q "$pfn: unbind waits for 16 pinned pages" /tmp/dmesg
check "... and when they were idle" grep -q "$pfn: unbind: the pages are idle after" /tmp/dmesg
check "no hung-task report" sh -c "! grep 'blocked for more than' /tmp/dmesg"
check "$pfn has no driver now" test ! -e $ND/$pfn/driver
check "rebind $pfn" sh -c "echo $pfn > /sys/bus/nd/drivers/nd_pmem/bind"
check "mount again" mount_dax "$fs" "$PMEM"
check "the file is still there" test -s $DAX/pinned
umount $DAX
