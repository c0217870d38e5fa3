#!/bin/sh
# dax.sh MODE FS DIO: bring namespace0.0 up in MODE, make an FS on it,
# mount it -o dax, show that it is DAX, then O_DIRECT into and out of a
# DAX mmap, 4 KiB and 2 MiB aligned.  DIO is the result the kernel under
# test must give: ok, or efault (no get_user_pages() for DAX).
# Raw namespaces have no memmap: EFAULT on every kernel.  The base has
# no get_user_pages() for DAX at all, and no memmap location "pmem"
# (it refuses it with ENOTTY).
# @case dax-raw-ext4       raw ext4 efault
# @case dax-raw-xfs        raw xfs efault
# @case dax-pfn-ram-ext4   pfn-ram ext4 ok       kernels=series
# @case dax-pfn-ram-ext4   pfn-ram ext4 efault   kernels=base
# @case dax-pfn-ram-xfs    pfn-ram xfs ok        kernels=series
# @case dax-pfn-ram-xfs    pfn-ram xfs efault    kernels=base
# @case dax-pfn-pmem-ext4  pfn-pmem ext4 ok      kernels=series
# @case dax-pfn-pmem-xfs   pfn-pmem xfs ok       kernels=series
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

# fs_dax:dax_pmd_fault (the series) says what each pmd fault did
EV=/sys/kernel/debug/tracing/events/fs_dax/dax_pmd_fault
TR=/sys/kernel/debug/tracing
[ -e $EV/enable ] && echo > $TR/trace && echo 1 > $EV/enable

for align in 4k 2m; do
	size=64k
	[ $align = 2m ] && size=2m
	for op in read write; do
		show "dio-$op, O_DIRECT $op with a $align-aligned DAX mmap: expect $dio" \
			$BIN/dio_mmap -o $op -a $align -s $size -e $dio $DAX/dio-$op-$align $SCRATCH
	done
done

# every other path that pins or reaches DAX pages (see gup_paths.c)
for path in aio vmsplice vm-readv vm-writev proc-mem futex fork mprotect \
	    mremap mlock move_pages; do
	want=$dio
	[ $path = move_pages ] && want=ok	# pins nothing either way
	# a shared futex is keyed by page->mapping: the series' DAX pages
	# name their file, as page cache pages do
	for align in 4k 2m; do
		show "gup-$path, $align-aligned DAX mmap: expect $want" \
			$BIN/gup_paths -a $align -e $want $path $DAX/gup-$path-$align $SCRATCH
	done
done

# fio: O_DIRECT with its buffers in a shared mmap of a DAX file, written
# and verified (crc32c); without DAX-GUP it must fail with EFAULT.  fio
# does not size the buffer file, and its exit status hides a signal:
# size it first, and require fio's own summary lines.
fio_dax() {
	dd if=/dev/zero of=$DAX/fio-buf bs=1M count=4 2>/dev/null || return 1
	/usr/bin/fio --name=daxbuf --filename=$SCRATCH --direct=1 --rw=write \
		--bs=64k --size=16m --iomem=mmapshared:$DAX/fio-buf \
		--verify=crc32c --do_verify=1 > /tmp/fio.out 2>&1
	local rc=$?
	grep -E 'err=|signal|verify|Bad address|WRITE:|READ:' /tmp/fio.out | head -n 6
	echo "fio exit $rc"
	grep -q 'got signal' /tmp/fio.out && return 1
	if [ $dio = ok ]; then
		[ $rc = 0 ] && grep -q 'WRITE: bw=' /tmp/fio.out &&
			grep -q 'READ: bw=' /tmp/fio.out && ! grep -q 'err= *[1-9]' /tmp/fio.out
		return
	fi
	grep -q 'err=14.*Bad address' /tmp/fio.out
}
show "fio-verify, direct=1 with iomem=mmapshared on a DAX file: expect $dio" fio_dax

if [ -e $EV/enable ]; then
	echo 0 > $EV/enable
	sed -n 's/^.*dax_pmd_fault: .*: //p' $TR/trace | sort | uniq -c |
		sed 's/^ */# pmd faults: /'
	pmds=$(grep -c 'dax_pmd_fault: .*: pmd$' $TR/trace)
	case $mode in
	raw)	check "no PMD mappings in mode $mode ($pmds pmd faults)" \
			test "$pmds" = 0 ;;
	*)	check "2 MiB-aligned mappings got PMDs ($pmds pmd faults)" \
			test "$pmds" -gt 0 ;;
	esac
else
	echo "# no fs_dax:dax_pmd_fault tracepoint in this kernel: PMD use not reported"
fi

check "umount" umount $DAX
dev=namespace0.0
pfn=$(active_pfn) && dev=$pfn
check "disable $dev (nd_pmem unbind)" \
	sh -c "echo $dev > /sys/bus/nd/drivers/nd_pmem/unbind"
