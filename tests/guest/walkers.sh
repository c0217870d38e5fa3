#!/bin/sh
# walkers.sh MODE FS: the page table walkers that meet a live DAX
# mapping, PMD and PTE.  devmap_walk maps a DAX file and checks pagemap
# and clear_refs; it is then moved between memory cgroups (v1) with
# move_charge_at_immigrate, whose walk meets its PMD; its data and
# mapping must come through.  A DAX-resident executable gets a uprobe
# in text mapped with PTEs and one in text mapped with a PMD: each
# must be hit, and the process must exit with its counters right (the
# host fails the run on "Bad rss-counter state" or a bad mapcount).
# @case walkers-pfn-ram-ext4   pfn-ram ext4   kernels=series
# @case walkers-pfn-pmem-xfs   pfn-pmem xfs   kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2
TR=/sys/kernel/debug/tracing
EV=$TR/events/fs_dax/dax_pmd_fault
CG=/tmp/memcg

# uprobe NAME OFFSET: a probe in $DAX/target at OFFSET, enabled; run the
# target (with a time limit) and check that the probe was hit once
uprobe() {
	local hits
	echo "p:daxgup/$1 $DAX/target:$2" > $TR/uprobe_events &&
		echo 1 > $TR/events/daxgup/$1/enable || return 1
	timeout 60 $DAX/target run
	rc=$?
	hits=$(awk -v n="$1" '$2 == n { print $3 }' $TR/uprobe_profile)
	echo 0 > $TR/events/daxgup/$1/enable
	echo > $TR/uprobe_events
	echo "target exit $rc, $hits hit(s)"
	[ $rc = 0 ] && [ "$hits" = 1 ]
}

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
echo > $TR/trace && echo 1 > $EV/enable

# pagemap, clear_refs, memcg v1 charge moving
mkdir -p $CG && mount -t cgroup -o memory memcg $CG && mkdir $CG/a $CG/b &&
	echo 3 > $CG/b/memory.move_charge_at_immigrate ||
	{ not_ok "memory cgroups a and b"; exit 1; }
rm -f /tmp/walk.ready
$BIN/devmap_walk $DAX/walk /tmp/walk.ready &
walker=$!
echo $walker > $CG/a/tasks
check "devmap_walk has mapped and walked" wait_for /tmp/walk.ready 30
check "move it to cgroup b, charges moving" sh -c "echo $walker > $CG/b/tasks"
check "it is in b" grep -qx $walker $CG/b/tasks
kill -USR1 $walker
check "devmap_walk: all its checks passed" wait_exit $walker 30
pmds=$(grep -c 'dax_pmd_fault: .*: pmd$' $TR/trace)
check "devmap_walk's mapping got a PMD ($pmds pmd faults)" test "$pmds" -gt 0

# uprobes in DAX-resident text
check "a DAX-resident executable" cp $BIN/uprobe_target $DAX/target
set -- $($DAX/target offsets)
echo "# probe offsets: $1 (PTE text), $2 (PMD text)"
echo > $TR/trace
check "a uprobe in PTE-mapped text is hit" uprobe pte "$1"
check "a uprobe in PMD-mapped text is hit" uprobe pmd "$2"
pmds=$(grep -c 'dax_pmd_fault: .*: pmd$' $TR/trace)
sed -n 's/^.*dax_pmd_fault: .*: //p' $TR/trace | sort | uniq -c | sed 's/^ */# target pmd faults: /'
check "the target's text got a PMD ($pmds pmd faults)" test "$pmds" -gt 0
echo 0 > $EV/enable
umount $DAX
