#!/bin/sh
# vfio.sh MODE FS EXPECT: VFIO maps a DAX buffer for device DMA, and lets
# it go.  On the q35 machine (an emulated IOMMU), QEMU's edu device is
# bound to vfio-pci, and vfio_dax maps 64 KiB of a DAX file into its
# IOMMU domain with VFIO_IOMMU_MAP_DMA, which must give EXPECT; after
# VFIO_IOMMU_UNMAP_DMA, and after close() of the container, a truncate
# of the file must not wait for a pinned page.  Last, the unbind of the
# pfn device must finish, which it does only if no page reference
# leaked.  The base cannot pin DAX pages: its MAP_DMA fails with EFAULT.
# @case vfio-pfn-ram-ext4   pfn-ram ext4 ok      kernels=series machine=q35 nvdimm_size=1G timeout=300
# @case vfio-pfn-ram-ext4   pfn-ram ext4 EFAULT  kernels=base machine=q35 nvdimm_size=1G timeout=300
# @case vfio-pfn-pmem-xfs   pfn-pmem xfs ok      kernels=series machine=q35 nvdimm_size=1G timeout=300
. /daxgup/lib.sh
mode=$1 fs=$2 expect=$3

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

$BIN/vfio_dax $group $DAX/vfio $expect
[ $? -le 1 ] || not_ok "vfio_dax ran" "setup error"

check "umount" umount $DAX
echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &
check "the unbind of $pfn finishes: no page reference leaked" \
	wait_exit $! 60
