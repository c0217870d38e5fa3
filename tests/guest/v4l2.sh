#!/bin/sh
# v4l2.sh MODE FS KERNEL: V4L2 captures into USERPTR buffers in a DAX
# file under a layout lease.  vivid (built in) emulates a capture device;
# v4l2_dax queues two buffers of a DAX file: refused without a lease
# (EOPNOTSUPP on the series; EINVAL on the base, which cannot pin DAX
# pages), captured into under F_SETLEASE F_LAYOUT.  A truncate by another
# process breaks the lease; it completes when the holder frees its
# buffers, and fails with ETXTBSY after lease-break-time (2 s here) when
# it does not, while a file written meanwhile keeps its data.  Last, the
# unbind of the pfn device must finish: no page reference leaked.
# @case v4l2-pfn-ram-ext4   pfn-ram ext4 series  kernels=series timeout=300
# @case v4l2-pfn-ram-ext4   pfn-ram ext4 base    kernels=base timeout=300
# @case v4l2-pfn-ram-xfs    pfn-ram xfs series   kernels=series timeout=300
. /daxgup/lib.sh
mode=$1 fs=$2 kernel=$3

# vivid_capture: the device node of vivid's video capture
vivid_capture() {
	local d
	for d in /sys/class/video4linux/video*; do
		[ "$(cat $d/name)" = vivid-vid-cap ] &&
			{ echo /dev/$(basename $d); return 0; }
	done
	echo "no vivid capture device: is CONFIG_VIDEO_VIVID=y?"
	return 1
}

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "vivid's capture device is there" vivid_capture || exit 1
dev=$(vivid_capture)
check "$dev appears" wait_for $dev 10 || exit 1

old_break=$(cat /proc/sys/fs/lease-break-time)
echo 2 > /proc/sys/fs/lease-break-time
$BIN/v4l2_dax $dev $DAX/v4l2 $DAX/other $kernel
[ $? -le 1 ] || not_ok "v4l2_dax ran" "setup error"
echo "$old_break" > /proc/sys/fs/lease-break-time
dmesg | grep "stayed pinned for the lease break time" | sed 's/^/# /'

check "umount" umount $DAX
echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &
check "the unbind of $pfn finishes: no page reference leaked" \
	wait_exit $! 60
