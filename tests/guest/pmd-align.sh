#!/bin/sh
# pmd-align.sh MODE FS: PMDs without the user's help.  A DAX file is
# fallocated, mapped with no address hint and touched, as a user (or
# ndctl's own DAX test) does: at least 500 of the 512 possible 2 MiB
# faults must map PMDs.  Then O_DIRECT both ways through that mapping.
# Also: where mmap places DAX, short and other mappings (mmap_place.c),
# the dax_pmd_fault event of a mapping that does not cover its PMD, and,
# on xfs, the PMDs that mkfs.xfs's default layouts give.  ext2 cannot
# fallocate: there, only where mmap places mappings is checked.
# The base has neither aligned addresses nor get_user_pages() of DAX.
# @case pmd-align-pfn-ram-ext4   pfn-ram ext4   kernels=series,base
# @case pmd-align-pfn-ram-xfs    pfn-ram xfs    kernels=series
# @case pmd-align-pfn-pmem-ext4  pfn-pmem ext4  kernels=series
# @case pmd-align-pfn-pmem-xfs   pfn-pmem xfs   kernels=series
# @case pmd-align-pfn-ram-ext2   pfn-ram ext2   kernels=series
# @todo base no PMD-aligned mmap addresses for DAX files, and no get_user_pages() of DAX pages
. /daxgup/lib.sh
mode=$1 fs=$2
TR=/sys/kernel/debug/tracing
EV=$TR/events/fs_dax/dax_pmd_fault
check_dax_mount "$mode" "$fs" || exit 1

# where mmap places mappings; OTHERFILE is on tmpfs, not DAX
$BIN/mmap_place $DAX/place /tmp/other > /tmp/place.out 2>&1
sed 's/^/# mmap_place: /' /tmp/place.out
for what in anon-adjacent dax-short-adjacent other-adjacent \
	    dax-congruent-0 dax-congruent-12k dax-hint-honoured; do
	check "mmap placement: $what" grep -q "^$what yes\$" /tmp/place.out
done
rm -f $DAX/place /tmp/other

# trace_on; trace_pmds: the pmd faults in between that mapped a PMD,
# after a histogram of all their results
trace_on() { echo > $TR/trace; echo 1 > $EV/enable; }
trace_pmds() {
	echo 0 > $EV/enable
	sed -n 's/^.*dax_pmd_fault: .*: //p' $TR/trace | sort | uniq -c |
		sed 's/^ */# pmd faults: /' >&2
	grep -c 'dax_pmd_fault: .*: pmd$' $TR/trace
}

# user FILE [-H]: pmd_user on FILE (fallocated, or with -H a hole), its
# PMDs counted; prints TAP
user() {
	local out pmds how=fallocated tag=fallocate
	[ "$2" = -H ] && how="a hole, allocated by the faults," tag=hole
	trace_on
	$BIN/pmd_user $2 -s 1g "$1" $SCRATCH > /tmp/user.out 2>&1
	pmds=$(trace_pmds)
	sed 's/^/# pmd_user: /' /tmp/user.out
	echo "# $($BIN/extents "$1")"
	check "$tag: an unhinted mapping of a DAX file is 2 MiB aligned" \
		grep -q 'congruent yes' /tmp/user.out
	check "$tag: touching 1 GiB, $how mapped >= 500 of 512 PMDs ($pmds)" \
		test "$pmds" -ge 500
	for op in write read; do
		out=$(sed -n "s/^dio-$op //p" /tmp/user.out)
		check "$tag: O_DIRECT $op through the unhinted mapping: ${out:-no result}" \
			test "$out" = ok
	done
	rm -f "$1"
}

if [ "$fs" = ext2 ]; then
	:
elif [ ! -e $EV/enable ]; then
	not_ok "fs_dax:dax_pmd_fault exists" "no tracepoint: PMD faults cannot be counted"
else
	user $DAX/user
	user $DAX/user -H

	# The event of a fault whose 2 MiB is not all in the vma: its pgoff
	# is the faulting page's, inside the 4 MiB file (not wrapped).
	trace_on
	$BIN/fault_touch -a 4k -s 4m $DAX/edge > /dev/null
	echo 0 > $EV/enable
	grep 'not all in the vma' $TR/trace | sed -n 1,2p | sed 's/^.*dax_pmd_fault: /# /'
	bad=$(sed -n 's/^.*pgoff \(0x[0-9a-f]*\): the 2 MiB around .*/\1/p' $TR/trace |
		while read -r p; do [ $((p)) -lt 1024 ] || echo "$p"; done)
	n=$(grep -c 'not all in the vma' $TR/trace)
	check "'not all in the vma' events ($n) give a pgoff in the file" \
		test "$n" -gt 0 -a -z "$bad"
	rm -f $DAX/edge

	# xfs made with mkfs.xfs's defaults, and with the stripe unit but
	# its default groups: measured, not required.  Not under DEBUG=1:
	# 1 GiB of PTE faults under KASAN outlasts the boot's time-out.
	if [ "$fs" = xfs ] && [ "$(job debug)" = 1 ]; then
		echo "# DEBUG=1: the other xfs layouts are not measured"
	elif [ "$fs" = xfs ]; then
		for how in "" "-d su=2m,sw=1"; do
			umount $DAX
			$MKFS_XFS -q -f -m reflink=0,bigtime=0,inobtcount=0 $how "$PMEM" &&
				mount_dax xfs "$PMEM" || break
			trace_on
			$BIN/pmd_user -s 1g $DAX/user $SCRATCH > /tmp/user.out 2>&1
			echo "# mkfs.xfs ${how:-(defaults)}: $(trace_pmds 2>/dev/null) of 512 PMDs;" \
				"$($BIN/extents $DAX/user)"
			rm -f $DAX/user
		done
	fi
fi
check "umount" umount $DAX
