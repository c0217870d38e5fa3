#!/bin/sh
# persist.sh MODE FS: data written through a DAX mmap in one boot is
# there, through mmap and read(2), in the next: two boots on the same
# NVDIMM file, the first writes, the second verifies.  The memmap
# location "pmem" is the series'.
# @case persist-pfn-ram-ext4  pfn-ram ext4   boots=2
# @case persist-raw-xfs       raw xfs        boots=2
# @case persist-pfn-pmem-xfs  pfn-pmem xfs   boots=2 kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2 step=write
[ "$(job boot)" = 2 ] && step=verify
check "$step: namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
if [ "$step" = write ]; then
	check "write: mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
fi
check "$step: mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "$step: 32 MiB through a DAX mmap" \
	$BIN/mmap_pattern $step $DAX/persist 33554432 4242
check "$step: umount" umount $DAX
