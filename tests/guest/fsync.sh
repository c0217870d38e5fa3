#!/bin/sh
# fsync.sh MODE FS: fsync() and its kin write back the cpu cache lines of
# exactly the pages that stores through a shared DAX mapping dirtied.
# dax_fsync.c stores and syncs, op by op, and prints how many 4 KiB pages
# each op wrote back (/proc/vmstat dax_writeback_pages); the
# fs_dax/dax_writeback event says how many pte and pmd entries, and bytes.
# 4 KiB: fsync, fdatasync, msync, sync_file_range, syncfs, sync; nothing
# twice; stores after a writeback are seen again; a forked child's are
# seen, a private mapping's and MS_ASYNC are not.  2 MiB (not on raw or
# ext2: no PMDs there): a store writes back its 512 pages.  Truncate and hole
# punch write back the range they free before freeing it, and leave
# nothing for the next fsync.  With persistence=cpu (the cpu cache is in
# the persistence domain) nothing is written back at all.  The base
# writes nothing back.
# @case fsync-pfn-ram-ext4   pfn-ram ext4   kernels=series
# @case fsync-pfn-ram-xfs    pfn-ram xfs    kernels=series
# @case fsync-pfn-pmem-ext4  pfn-pmem ext4  kernels=series
# @case fsync-pfn-pmem-xfs   pfn-pmem xfs   kernels=series
# @case fsync-raw-ext4       raw ext4       kernels=series
# @case fsync-pfn-ram-ext2   pfn-ram ext2   kernels=series
# @case fsync-pfn-pmem-xfs-cpu pfn-pmem xfs kernels=series persistence=cpu
. /daxgup/lib.sh
mode=$1 fs=$2
TR=/sys/kernel/debug/tracing
EV=$TR/events/fs_dax/dax_writeback
check_dax_mount "$mode" "$fs" || exit 1
check "the kernel counts DAX writebacks (/proc/vmstat dax_writeback_pages)" \
	grep -q '^dax_writeback_pages ' /proc/vmstat || exit 1

# run NAME ARGS...: dax_fsync ARGS with the dax_writeback event on; its
# output in /tmp/NAME.out, the events in /tmp/NAME.trace
run() {
	local name=$1
	shift
	echo > $TR/trace
	echo 1 > $EV/enable
	check "$name: dax_fsync $*" $BIN/dax_fsync "$@"
	cp /tmp/check.out /tmp/$name.out
	echo 0 > $EV/enable
	sed -n 's/^.*dax_writeback: //p' $TR/trace > /tmp/$name.trace
	sed "s/^/# $name: /" /tmp/$name.out /tmp/$name.trace
}

# expect NAME LINE OP PAGES [WHAT]: line LINE of NAME's output is OP,
# and wrote back PAGES pages
expect() {
	local got
	got=$(sed -n "$2p" /tmp/$1.out)
	check "$1: $3${5:+ ($5)} writes back $4 pages: ${got:-no line}" \
		test "${got% writebacks *}" = "$3 pages $4"
}

# event NAME PATTERN WHAT: a dax_writeback event of NAME matches PATTERN
event() {
	check "$1: $3 (event: $2)" grep -q "$2" /tmp/$1.trace
}

if [ "$(job persistence)" = cpu ]; then
	check "region0's persistence_domain is cpu_cache" \
		grep -qx cpu_cache $ND/region0/persistence_domain
	rm -f $DAX/f
	run cpu $DAX/f 8m w:16:4 fsync w:2:512 msync w:3:1 sync verify
	expect cpu 2 fsync 0 "16 pages stored to"
	expect cpu 4 msync 0 "2 PMDs stored to"
	expect cpu 6 sync 0 "3 pages stored to"
	check "cpu: the file reads back what the mapping holds" \
		grep -q '^verify pages 0' /tmp/cpu.out
	rm -f $DAX/f
	check "umount" umount $DAX
	exit
fi

rm -f $DAX/f
run pte -4 $DAX/f 8m w:16:4 fsync fsync w:16:4 fdatasync w:4:1 msync \
	w:3:8 sfr w:5:2 syncfs w:2:1 sync msync-async pw:4:1 fsync \
	fw:6:3 fsync verify
expect pte 1 w:16:4 0 "the stores alone"
expect pte 2 fsync 16 "16 pages stored to"
expect pte 3 fsync 0 "nothing stored since"
expect pte 5 fdatasync 16 "the same pages again"
expect pte 7 msync 4
expect pte 9 sfr 3
expect pte 11 syncfs 5
expect pte 13 sync 2
expect pte 14 msync-async 0 "MS_ASYNC"
expect pte 16 fsync 0 "stores to a private mapping"
expect pte 18 fsync 6 "a forked child's stores"
check "pte: the file reads back what the mapping holds" \
	grep -q '^verify pages 0' /tmp/pte.out
event pte 'pte 16 pmd 0 bytes 65536 error 0' "16 ptes, 64 KiB"

rm -f $DAX/f
run pmd $DAX/f 8m w:2:512 fsync fsync w:1:1 fsync w:1:700 fsync verify
if [ "$mode" = raw ] || [ "$fs" = ext2 ]; then
	# raw has no memmap, ext2 no 2 MiB-aligned extents: no PMDs
	expect pmd 2 fsync 2 "a store to each of 2 pages, 2 MiB apart"
	expect pmd 5 fsync 1
	expect pmd 7 fsync 1
	event pmd 'pte 2 pmd 0 bytes 8192 error 0' "2 ptes (no PMDs on $mode $fs)"
else
	expect pmd 2 fsync 1024 "a store to each of 2 PMDs"
	expect pmd 5 fsync 512 "a store to the first PMD"
	expect pmd 7 fsync 512 "a store to the second PMD"
	event pmd 'pte 0 pmd 2 bytes 4194304 error 0' "2 pmds, 4 MiB"
fi
expect pmd 3 fsync 0 "nothing stored since"
check "pmd: the file reads back what the mapping holds" \
	grep -q '^verify pages 0' /tmp/pmd.out

rm -f $DAX/f
if [ "$fs" = ext2 ]; then
	run trunc -4 $DAX/f 1m w:8:16 trunc:65536 fsync
	expect trunc 2 trunc:65536 7 "7 of 8 stored pages past the new size"
	expect trunc 3 fsync 1 "the one stored page left"
else
	run trunc -4 $DAX/f 1m w:8:1 punch:0:8 fsync w:8:16 trunc:65536 fsync
	expect trunc 2 punch:0:8 8 "a hole over the 8 stored pages"
	expect trunc 3 fsync 0 "after the hole punch"
	expect trunc 5 trunc:65536 7 "7 of 8 stored pages past the new size"
	expect trunc 6 fsync 1 "the one stored page left"
fi
rm -f $DAX/f
check "umount" umount $DAX
