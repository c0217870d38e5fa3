#!/bin/sh
# vfio.sh MODE FS KERNEL: VFIO maps a DAX buffer for device DMA under a
# layout lease, and lets it go.  On the q35 machine (an emulated IOMMU),
# QEMU's edu device is bound to vfio-pci, and vfio_dax maps 64 KiB of a
# DAX file into its IOMMU domain with VFIO_IOMMU_MAP_DMA: refused without
# a lease (EOPNOTSUPP on the series, EFAULT on the base, which cannot pin
# DAX pages), allowed under F_SETLEASE F_LAYOUT.  Truncates by another
# process break the lease; they complete when the holder lets go, and
# fail with ETXTBSY after lease-break-time (set to 2 s here) when it does
# not.  Bad lease requests get their errno.  Last, the unbind of the pfn
# device must finish, which it does only if no page reference leaked.
# @case vfio-pfn-ram-ext4   pfn-ram ext4 series  kernels=series machine=q35 nvdimm_size=1G timeout=300
# @case vfio-pfn-ram-ext4   pfn-ram ext4 base    kernels=base machine=q35 nvdimm_size=1G timeout=300
# @case vfio-pfn-ram-xfs    pfn-ram xfs series   kernels=series machine=q35 nvdimm_size=1G timeout=300
# @case vfio-pfn-pmem-xfs   pfn-pmem xfs series  kernels=series machine=q35 nvdimm_size=1G timeout=300
. /daxgup/lib.sh
mode=$1 fs=$2 kernel=$3

# edu_device: the sysfs directory of QEMU's edu device (1234:11e8)
edu_device() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x11e8 ] &&
			{ echo $d; return 0; }
	done
	echo "no PCI device 1234:11e8: is the machine q35 (MACHINE=q35)?"
	return 1
}

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "QEMU's edu device is there" edu_device || exit 1
edu=$(edu_device)
check "the IOMMU put it in a group" test -e $edu/iommu_group || exit 1
group=/dev/vfio/$(basename "$(readlink $edu/iommu_group)")
check "bind it to vfio-pci" \
	sh -c 'echo 1234 11e8 > /sys/bus/pci/drivers/vfio-pci/new_id' || exit 1
check "$group appears" wait_for $group 10 || exit 1

old_break=$(cat /proc/sys/fs/lease-break-time)
echo 2 > /proc/sys/fs/lease-break-time
$BIN/vfio_dax $group $DAX/vfio $kernel
[ $? -le 1 ] || not_ok "vfio_dax ran" "setup error"
dmesg | grep "stayed pinned for the lease break time" | sed 's/^/# /'

# the series' example holder, Documentation/filesystems/dax_lease.c, as
# a user would run it: a truncate by another process completes at once
# (within the break time), because the holder lets go when it is told
# out_has TEXT [SECONDS]: until the holder's output has TEXT
out_has() {
	local i=0
	until grep -q "$1" /tmp/dax_lease.out; do
		i=$((i + 1))
		[ $i -gt $((${2:-10} * 10)) ] && { cat /tmp/dax_lease.out; return 1; }
		sleep 0.1
	done
}
if [ "$kernel" = series ]; then
	dd if=/dev/zero of=$DAX/example bs=64k count=1 2>/dev/null
	$BIN/dax_lease $DAX/example $group 60 > /tmp/dax_lease.out 2>&1 &
	holder=$!
	check "dax_lease takes a lease and pins the file" \
		out_has "leased and pinned"
	t0=$(date +%s)
	check "a truncate by another process completes" truncate -s 0 $DAX/example
	t1=$(date +%s)
	check "... within the break time (2 s): it took $((t1 - t0)) s" \
		test $((t1 - t0)) -le 2
	check "dax_lease was told, let go, and leased the empty file again" \
		out_has "too short to pin"
	kill -TERM $holder
	check "dax_lease ends on SIGTERM, releasing its lease" wait_exit $holder 10
	grep . /tmp/dax_lease.out | sed 's/^/# dax_lease: /'
fi
echo "$old_break" > /proc/sys/fs/lease-break-time

check "umount" umount $DAX
echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &
check "the unbind of $pfn finishes: no page reference leaked" \
	wait_exit $! 60
