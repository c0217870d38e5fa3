#!/bin/sh
# persist.sh write|verify MODE FS: data written through a DAX mmap in one
# boot is there, through mmap and read(2), in the next (same NVDIMM file).
. /daxgup/lib.sh
step=$1 mode=$2 fs=$3
check "$step: namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
if [ "$step" = write ]; then
	check "write: mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
fi
check "$step: mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "$step: 32 MiB through a DAX mmap" \
	$BIN/mmap_pattern $step $DAX/persist 33554432 4242
check "$step: umount" umount $DAX
