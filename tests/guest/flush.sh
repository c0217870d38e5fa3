#!/bin/sh
# flush.sh MODE FS: a pmem block device takes REQ_FLUSH and REQ_FUA, and
# does the region's deep flush, nvdimm_flush(), for each, whatever the
# persistence domain.  fsync() of a file on FS (journal commit, log
# force) sends the flushes; the block:block_bio_queue event shows the
# bios that reach pmem (rwbs: F first for REQ_FLUSH, F after the W for
# REQ_FUA; the block layer strips both before a queue that does not take
# them), and a kprobe counts nvdimm_flush() calls: one per flag.
# @case flush-pfn-pmem-ext4     pfn-pmem ext4 kernels=series persistence=mem-ctrl
# @case flush-pfn-ram-xfs       pfn-ram xfs   kernels=series
# @case flush-raw-xfs-cpu       raw xfs       kernels=series persistence=cpu
. /daxgup/lib.sh
mode=$1 fs=$2
TR=/sys/kernel/debug/tracing
EV=$TR/events/block/block_bio_queue
check_dax_mount "$mode" "$fs" || exit 1
dev=$(tr : , < /sys/block/${PMEM#/dev/}/dev)

# sync_op NAME CMD...: CMD with the bio event and the kprobe on; the bios
# queued to pmem in /tmp/NAME.bios ("rwbs sector"), the deep flushes in
# /tmp/NAME.flushes
sync_op() {
	local name=$1 before
	shift
	before=$(awk '$1 == "daxgup_flush" { print $2 }' $TR/kprobe_profile)
	echo > $TR/trace
	echo 1 > $EV/enable
	echo 1 > $KP/enable 2>/dev/null
	"$@" > /tmp/$name.out 2>&1
	echo 0 > $KP/enable 2>/dev/null
	echo 0 > $EV/enable
	sed -n "s/.*block_bio_queue: $dev \\([A-Z]*\\) \\([0-9]*\\) .*/\\1 \\2/p" \
		$TR/trace > /tmp/$name.bios
	# "-" without the probe
	awk -v b="$before" '$1 == "daxgup_flush" { n = $2 - b }
		END { print n == "" ? "-" : n }' $TR/kprobe_profile > /tmp/$name.flushes
	echo "# $name: $(wc -l < /tmp/$name.bios) bios to $PMEM," \
		"$(grep -c '^F' /tmp/$name.bios) with REQ_FLUSH," \
		"$(grep -c 'WF' /tmp/$name.bios) with REQ_FUA;" \
		"nvdimm_flush() $(cat /tmp/$name.flushes) times"
}

KP=$TR/events/kprobes/daxgup_flush
check "a kprobe on nvdimm_flush(), the region's deep flush" \
	sh -c "echo 'p:daxgup_flush nvdimm_flush' > $TR/kprobe_events"

# per_flag NAME: the deep flushes of NAME are one per REQ_FLUSH and one
# per REQ_FUA (F and WF of one bio are two), and there were some
per_flag() {
	local want
	want=$(( $(grep -c '^F' /tmp/$1.bios) + $(grep -c 'WF' /tmp/$1.bios) ))
	echo "nvdimm_flush() calls: $(cat /tmp/$1.flushes), flags: $want"
	[ "$want" -gt 0 ] && [ "$(cat /tmp/$1.flushes)" = "$want" ]
}

if [ "$(job persistence)" = cpu ]; then
	check "region0's persistence_domain is cpu_cache" \
		grep -qx cpu_cache $ND/region0/persistence_domain
fi

# a new file, written and fsynced: the journal commits (log forces)
sync_op new dd if=/dev/zero of=$DAX/f bs=4k count=4 conv=fsync
check "fsync of a new file sends $PMEM a bio with REQ_FLUSH" grep -q '^F' /tmp/new.bios
check "fsync of a new file sends $PMEM a bio with REQ_FUA" grep -q 'WF' /tmp/new.bios
check "nvdimm_flush() runs once per REQ_FLUSH and once per REQ_FUA" per_flag new
# a metadata change alone, then sync(2): the same path from sync
sync_op sync sh -c "touch $DAX/g && sync"
check "sync after a metadata change sends $PMEM a bio with REQ_FLUSH" \
	grep -q '^F' /tmp/sync.bios
check "nvdimm_flush() runs once per flag on sync too" per_flag sync
# the data: reads back after the flushes
check "the file reads back" cmp -n 16384 /dev/zero $DAX/f
echo > $TR/kprobe_events
umount $DAX
