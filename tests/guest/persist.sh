#!/bin/sh
# persist.sh MODE FS: data written through a DAX mmap in one boot is
# there, through mmap and read(2), in the next: two boots on the same
# NVDIMM file, the first writes, the second verifies.  The memmap
# location "pmem" is the series'.  On a kernel that writes DAX back, the
# write step's msync() writes back all 8192 pages of the 32 MiB, or none
# where the platform puts the cpu cache in the persistence domain (job
# key persistence=cpu).
# @case persist-pfn-ram-ext4  pfn-ram ext4   boots=2
# @case persist-raw-xfs       raw xfs        boots=2
# @case persist-pfn-pmem-xfs  pfn-pmem xfs   boots=2 kernels=series
# @case persist-pfn-pmem-ext4-memctrl pfn-pmem ext4 boots=2 kernels=series persistence=mem-ctrl
# @case persist-pfn-ram-xfs-cpu       pfn-ram xfs   boots=2 kernels=series persistence=cpu
. /daxgup/lib.sh
mode=$1 fs=$2 step=write
[ "$(job boot)" = 2 ] && step=verify
check "$step: namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
if [ "$step" = write ]; then
	check "write: mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
fi
check "$step: mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
wb_pages() { sed -n 's/^dax_writeback_pages //p' /proc/vmstat; }
before=$(wb_pages)
check "$step: 32 MiB through a DAX mmap" \
	$BIN/mmap_pattern $step $DAX/persist 33554432 4242
if [ "$step" = write ] && [ -n "$before" ]; then
	want=8192
	[ "$(job persistence)" = cpu ] && want=0
	got=$(($(wb_pages) - before))
	check "write: msync and fsync wrote back $want pages ($got)" \
		test "$got" = "$want"
elif [ "$step" = write ]; then
	ok "write: msync and fsync wrote back the pages # SKIP this kernel writes no DAX back"
fi
check "$step: umount" umount $DAX
