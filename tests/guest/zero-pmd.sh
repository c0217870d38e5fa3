#!/bin/sh
# zero-pmd.sh MODE FS: a DAX mapping of a hole, 2 MiB aligned, is read;
# then pwrite() gives the hole blocks.  The mapping must then read the
# data written, and a store through it must complete and reach the file
# (zero_pmd).  Were the hole mapped with the huge zero page, a store
# would find that pmd taken; 4.4's ext4 and xfs report holes shorter
# than 2 MiB, so DAX maps them with 4K hole pages, and the case says
# which it got.
# @case zero-pmd-pfn-ram-ext4   pfn-ram ext4   kernels=series
# @case zero-pmd-pfn-pmem-xfs   pfn-pmem xfs   kernels=series
. /daxgup/lib.sh
mode=$1 fs=$2
TR=/sys/kernel/debug/tracing
EV=$TR/events/fs_dax/dax_pmd_fault

check_dax_mount "$mode" "$fs" || exit 1
echo > $TR/trace && echo 1 > $EV/enable
$BIN/zero_pmd $DAX/hole > /tmp/zero.out 2>&1
rc=$?
echo 0 > $EV/enable
cat /tmp/zero.out
check "zero_pmd: all its checks passed" test $rc = 0
sed -n 's/^.*dax_pmd_fault: .*: //p' $TR/trace | sort | uniq -c | sed 's/^ */# pmd faults: /'
if grep -q 'dax_pmd_fault: .*: zero pmd$' $TR/trace; then
	echo "# the hole was mapped with the huge zero page"
else
	echo "# the hole was mapped with 4K hole pages, not the huge zero page"
fi
umount $DAX
