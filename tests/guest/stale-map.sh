#!/bin/sh
# stale-map.sh MODE FS: no mapping outlives its device.  stale_map maps a
# DAX file (a PMD and PTEs) and keeps the mappings while nd_pmem unbinds
# under the mounted filesystem.  Then every walker of its page tables
# (pagemap, clear_refs, smaps, mincore, GUP fast and slow, fork,
# mprotect, mremap) must find nothing mapped, and a load must get SIGBUS.
# Then the namespace is reconfigured (a pfn namespace becomes raw, a raw
# one pfn) and a new owner fills it with data: the old mappings must
# neither read it nor change it.  The host checks the console for oopses.
# @case stale-map-pfn-ram-ext4   pfn-ram ext4   kernels=series nvdimm_size=1G
# @case stale-map-pfn-ram-xfs    pfn-ram xfs    kernels=series nvdimm_size=1G
# @case stale-map-pfn-pmem-ext4  pfn-pmem ext4  kernels=series nvdimm_size=1G
# @case stale-map-pfn-pmem-xfs   pfn-pmem xfs   kernels=series nvdimm_size=1G
# @case stale-map-raw-ext4       raw ext4       kernels=series nvdimm_size=1G
. /daxgup/lib.sh
mode=$1 fs=$2
DAX=/mnt/stale		# not /mnt/dax: /init must not unmount it first
BIND=/sys/bus/nd/drivers/nd_pmem/bind
UNBIND=/sys/bus/nd/drivers/nd_pmem/unbind
TR=/sys/kernel/debug/tracing
EV=$TR/events/fs_dax/dax_pmd_fault

# reconfigure: namespace0.0, released by the unbind, comes back in the
# other mode, as a new block device; NEW names it
reconfigure() {
	if [ "$mode" = raw ]; then
		pfn_enable "$(cat $ND/region0/pfn_seed)" ram && NEW=/dev/pmem0m
	else
		echo > $ND/$dev/namespace && echo 1 > $ND/namespace0.0/force_raw &&
			echo namespace0.0 > $BIND && wait_for /dev/pmem0 10 &&
			NEW=/dev/pmem0
	fi
}

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
dev=namespace0.0
[ "$mode" = raw ] || dev=$(active_pfn)
check "mkfs.$fs" make_fs "$fs" "$PMEM" || exit 1
check "mount -o dax" mount_dax "$fs" "$PMEM" || exit 1
[ -e $EV/enable ] && echo > $TR/trace && echo 1 > $EV/enable
rm -rf /tmp/stale && mkdir /tmp/stale
$BIN/stale_map run $DAX/file /tmp/stale $SCRATCH &
prog=$!
check "the file is mapped and read" wait_for /tmp/stale/mapped 30 || exit 1
if [ "$mode" = raw ]; then
	echo "# raw: a raw namespace has no PMDs"
else
	[ -e $EV/enable ] && echo 0 > $EV/enable
	pmds=$(grep -c 'dax_pmd_fault: .*: pmd$' $TR/trace 2>/dev/null)
	check "the 2 MiB mapping is a PMD (${pmds:-no} pmd faults)" test "${pmds:-0}" -gt 0
fi

echo "$REMOVAL_MARKER" > /dev/kmsg
check "unbind nd_pmem from $dev, the file still mapped" \
	timeout 60 sh -c "echo $dev > $UNBIND"
kill -USR1 $prog
check "the walkers are done" wait_for /tmp/stale/walked 60 || exit 1
check "namespace0.0 reconfigured, in the other mode" reconfigure || exit 1
check "a new owner fills $NEW" $BIN/stale_map fill $NEW
kill -USR1 $prog
check "stale_map ends" wait_exit $prog 60
check "the new owner's data is intact" $BIN/stale_map verify $NEW
umount $DAX
