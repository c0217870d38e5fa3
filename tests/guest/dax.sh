#!/bin/sh
# dax.sh MODE FS DIO: bring namespace0.0 up in MODE, make an FS on it,
# mount it -o dax, show that it is DAX, then O_DIRECT into and out of a
# DAX mmap, 4 KiB and 2 MiB aligned.  DIO is the result the kernel under
# test must give: ok, or efault (no get_user_pages() for DAX).
. /daxgup/lib.sh
mode=$1 fs=$2 dio=$3
check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
check "a shared mmap of a file is a DAX mapping (VM_MIXEDMAP)" \
	sh -c "$BIN/vmflags $DAX/vmflags | grep -q ' mm'"
check "data written through mmap reads back" \
	sh -c "$BIN/mmap_pattern write $DAX/pattern 8388608 11 &&
	       $BIN/mmap_pattern verify $DAX/pattern 8388608 11"

for align in 4k 2m; do
	size=64k
	[ $align = 2m ] && size=2m
	for op in read write; do
		show "dio-$op, O_DIRECT $op with a $align-aligned DAX mmap: expect $dio" \
			$BIN/dio_mmap -o $op -a $align -s $size -e $dio $DAX/dio-$op-$align $SCRATCH
	done
done

check "umount" umount $DAX
dev=namespace0.0
pfn=$(active_pfn) && dev=$pfn
check "disable $dev (nd_pmem unbind)" \
	sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/unbind"
