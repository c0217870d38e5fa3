#!/bin/sh
# io.sh MODE FS RUNS WORKLOADS: the I/O benchmarks on a DAX mount of
# namespace0.0 in MODE (pfn-ram, pfn-pmem, raw) with a new FS (ext4, xfs),
# RUNS times each.  WORKLOADS: any of stream, pinrate, faults, teardown,
# profile, fsync.
# Boot with the job's mode=none: teardown unmounts, and /init's cwd would
# be $DAX.
# Each measurement prints one line,
#   BENCH <workload> <variant> <run> <value> <unit>
# and a variant that the kernel refuses (EFAULT: no DAX-GUP) prints
#   BENCH <workload> <variant> - efault -
# once and is not repeated; a teardown that oopses the kernel prints
#   BENCH teardown <variant> - crashed -
# and ends the teardown runs.  Other errors print "# error: ..." and exit 1.
. /daxgup/lib.sh
mode=$1 FS=$2 runs=$3 workloads=$4
FIO=/usr/bin/fio
TR=/sys/kernel/debug/tracing
STREAM_SIZE=256m
# The stream source.  Under -icount (the job's clock=icount) guest time
# counts guest instructions, but a virtio disk completes its requests in
# host time, which the guest then sees as a varying wait: there, a brd
# ramdisk keeps the whole transfer on the guest's CPU.
SRC=$SCRATCH
[ "$(job clock)" = icount ] && SRC=/dev/ram0
FAULT_SIZE=1g
rm -f /tmp/bench-failed

bench() { echo "BENCH $*"; }
error() { echo "# error: $*"; : > /tmp/bench-failed; }	# also from subshells

# efault_once WORKLOAD VARIANT: true (skip it) if VARIANT already failed
# with EFAULT in this boot
efault_once() { grep -qx "$1 $2" /tmp/efault 2>/dev/null; }
efault() { echo "$1 $2" >> /tmp/efault; bench "$1" "$2" - efault -; }

# fio_run WORKLOAD VARIANT RUN rw|read|write|randread UNIT FIO-ARGS...:
# one fio job, --minimal output; UNIT MiB/s or IOPS
fio_run() {
	local w=$1 v=$2 run=$3 rw=$4 unit=$5 out f
	shift 5
	efault_once "$w" "$v" && return
	out=$($FIO --name=bench --rw="$rw" --direct=1 --ioengine=psync \
		--minimal "$@" 2>&1)
	if echo "$out" | grep -q 'Bad address'; then
		efault "$w" "$v"
		return
	fi
	# terse v3: 5 error, 7/8 read KiB/s and IOPS, 48/49 write KiB/s and IOPS
	case "$rw:$unit" in
	*read:MiB/s) f=7 ;;
	*read:IOPS) f=8 ;;
	write:MiB/s) f=48 ;;
	write:IOPS) f=49 ;;
	esac
	echo "$out" | awk -F';' -v f=$f -v w="$w" -v v="$v" -v r=$run -v u="$unit" '
		NF > 50 && $5 == 0 {
			val = $f; if (u == "MiB/s") val = val / 1024
			printf "BENCH %s %s %s %.1f %s\n", w, v, r, val, u; ok = 1
		}
		END { exit !ok }' || error "fio $w $v: $(echo "$out" | tail -n 3)"
}

# stream_run VARIANT RUN MODE DIR BS: one run of the stream program
stream_run() {
	local v=$1 run=$2 out
	efault_once stream "$v" && return
	out=$($BIN/stream -m "$3" -d "$4" -b "$5" -s $STREAM_SIZE -f $DAX/stream-buf $SRC 2>&1)
	case "$out" in
	"MiB/s "*) bench stream "$v" "$run" "$(echo "$out" | cut -d' ' -f2)" MiB/s ;;
	*"Bad address"*) efault stream "$v" ;;
	*) error "stream $v: $out" ;;
	esac
	rm -f $DAX/stream-buf
}

# stream: fio with an anonymous and a DAX buffer, and the stream program
# with both and with the bounce copy, 64 KiB and 1 MiB, read and write.
# The variants of one run go in turn, so drift hits them alike.  Run 0
# warms up (first faults of the buffers and the source) and is not
# reported.
stream_runs() {
	local run bs dir
	if [ $SRC = /dev/ram0 ]; then
		$MODPROBE brd rd_nr=1 rd_size=$(( ${STREAM_SIZE%m} * 1024 )) &&
			wait_for /dev/ram0 10 || { error "brd for the stream source"; return; }
	fi
	# the source's blocks exist (on the host, or in brd) before any run
	$FIO --name=prefill --filename=$SRC --rw=write --bs=1m --direct=1 \
		--size=$STREAM_SIZE --minimal >/dev/null 2>&1 || error "prefill $SRC"
	dd if=/dev/zero of=$DAX/fio-buf bs=1M count=8 2>/dev/null
	for run in $(seq 0 "$runs"); do
		for bs in 64k 1m; do
			for dir in read write; do
				fio_run stream fio-anon-$dir-$bs "$run" $dir MiB/s \
					--filename=$SRC --bs=$bs --size=$STREAM_SIZE --iomem=malloc
				fio_run stream fio-dax-$dir-$bs "$run" $dir MiB/s \
					--filename=$SRC --bs=$bs --size=$STREAM_SIZE \
					--iomem=mmapshared:$DAX/fio-buf
				for m in anon dax bounce; do
					stream_run prog-$m-$dir-$bs "$run" $m $dir $bs
				done
			done
		done
	done
	rm -f $DAX/fio-buf
	[ $SRC = /dev/ram0 ] && $MODPROBE -r brd
}
stream() { stream_runs | grep -v '^BENCH stream [^ ]* 0 '; }

# brd_up: /dev/ram0, 64 MiB of random data, and $DAX/pin-buf, the DAX
# buffer of pinrate and profile; brd_down: both gone
brd_up() {
	$MODPROBE brd rd_nr=1 rd_size=65536 || { error "modprobe brd"; return 1; }
	wait_for /dev/ram0 10 || { error "no /dev/ram0"; return 1; }
	dd if=/dev/urandom of=/dev/ram0 bs=1M count=64 2>/dev/null
	dd if=/dev/zero of=$DAX/pin-buf bs=1M count=2 2>/dev/null
}
brd_down() {
	rm -f $DAX/pin-buf
	$MODPROBE -r brd
}

# pinrate: 4 KiB O_DIRECT reads from a brd ramdisk (no device time), so
# the rate is the cost of the syscall, get_user_pages() and the copy.
pinrate() {
	local run
	brd_up || return
	# each run is anon, dax, dax, anon, 2 s each, and reports the mean
	# of its two of each: drift over the run hits both alike.  Run 0
	# warms up and is not reported.
	for run in $(seq 0 "$runs"); do
		for v in anon dax dax anon; do
			mem=malloc
			[ $v = dax ] && mem=mmapshared:$DAX/pin-buf
			fio_run pinrate $v "$run" randread IOPS --filename=/dev/ram0 \
				--bs=4k --runtime=2 --time_based --iomem=$mem
		done | awk '$1 == "BENCH" && $5 != "efault" { sum[$3] += $5; n[$3]++; next }
			{ print }
			END { if (r > 0) for (v in sum) printf "BENCH pinrate %s %s %.1f IOPS\n", v, r, sum[v] / n[v] }' r=$run
	done
	brd_down
}

# profile: why DAX pins cost what they cost.  Counts, with kprobes, the
# calls per 4 KiB O_DIRECT read (fio randread from brd, 20480 reads) of
# the GUP fast path, the slow path, and the pagemap and device page
# reference functions, for each buffer: BENCH profile <buffer>:<function>.
# A probe the kernel has no symbol for is left out.  Not timed: kprobes
# make every call slow.
PROBES="get_user_pages_fast __get_user_pages get_dev_pagemap find_dev_pagemap
	get_zone_device_page put_zone_device_page set_page_dirty_lock"
profile() {
	local buf f n ios=20480
	brd_up || return
	echo > $TR/kprobe_events
	for f in $PROBES; do
		echo "p:daxgup_$f $f" >> $TR/kprobe_events 2>/dev/null
	done
	for buf in anon dax; do
		efault_once profile $buf && continue
		for f in $PROBES; do
			[ -e $TR/events/kprobes/daxgup_$f ] &&
				echo 1 > $TR/events/kprobes/daxgup_$f/enable
		done
		# the hit counts restart with each registration: read before and after
		awk '{ print $1, $2 }' $TR/kprobe_profile > /tmp/kp.before
		if [ $buf = anon ]; then mem=malloc; else mem=mmapshared:$DAX/pin-buf; fi
		$FIO --name=profile --filename=/dev/ram0 --rw=randread --bs=4k --direct=1 \
			--ioengine=psync --io_size=$((ios * 4))k --iomem=$mem \
			--minimal >/tmp/fio.out 2>&1
		echo 0 > $TR/events/kprobes/enable
		if grep -q 'Bad address' /tmp/fio.out; then
			efault profile $buf
			continue
		fi
		awk '{ print $1, $2 }' $TR/kprobe_profile | while read -r f n; do
			b=$(awk -v f=$f '$1 == f { print $2 }' /tmp/kp.before)
			echo "BENCH profile $buf:${f#daxgup_} 1 $(awk -v a=$n -v b=${b:-0} -v i=$ios \
				'BEGIN { printf "%.3f", (a - b) / i }') calls/read"
		done
	done
	echo > $TR/kprobe_events
	brd_down
}

# pmd_trace on|count: the PMD faults that mapped a PMD, by tracepoint:
# the series' fs_dax:dax_pmd_fault ("pmd"), upstream's
# fs_dax:dax_pmd_fault_done ("NOPAGE").  "-" without either.
pmd_trace() {
	local ev
	# upstream has both: dax_pmd_fault is its start event, without result
	for ev in dax_pmd_fault_done dax_pmd_fault; do
		[ -e $TR/events/fs_dax/$ev/enable ] && break
	done
	[ -e $TR/events/fs_dax/$ev/enable ] || { [ "$1" = count ] && echo -; return; }
	case "$1" in
	on) echo > $TR/trace; echo 1 > $TR/events/fs_dax/$ev/enable ;;
	count)
		echo 0 > $TR/events/fs_dax/$ev/enable
		grep -c -E "$ev: .*(: pmd| NOPAGE)\$" $TR/trace ;;
	esac
}

# faults: first touch of 1 GiB, PMD-able (2 MiB aligned by hand) and not
# (4 KiB), and as a user does it ("user": fallocated, mapped with no
# address hint, so its first touch also zeroes the blocks)
faults() {
	local run align out pmds how
	for run in $(seq "$runs"); do
		for align in 2m 4k user; do
			how="-a $align"
			[ $align = user ] && how="-a any -f"
			pmd_trace on
			out=$($BIN/fault_touch $how -s $FAULT_SIZE $DAX/fault-file 2>&1) ||
				{ error "fault_touch: $out"; continue; }
			pmds=$(pmd_trace count)
			set -- $out
			bench faults seconds-$align "$run" "$2" s
			bench faults faults-$align "$run" "$4" faults
			bench faults major-$align "$run" "$6" faults
			bench faults again-$align "$run" "${10}" s
			[ "$pmds" = - ] || bench faults pmds-$align "$run" "$pmds" pmds
		done
	done
	rm -f $DAX/fault-file
}

# fsync: stores through a shared DAX mapping, then fsync, per dirty page
# (tests/progs/fsync_bench.c): 256 spread 4 KiB pages, or the 512 pages of
# one 2 MiB PMD; and the same stores without the fsync.  The variants are
# named after region0's persistence_domain, which the job's persistence
# chose: memctrl, cpu, or none.  Run 0 counts the pages written back per
# fsync (BENCH fsync <domain>-<pattern>-pages): the series' /proc/vmstat
# dax_writeback_pages, or upstream's fs_dax:dax_writeback_one pglen (an
# entry cleaned, whatever the domain).  Runs 1-RUNS time them, the
# variants in turn, FSYNC_SECONDS each.
FSYNC_SECONDS=1
wb_one() { echo "$TR/events/fs_dax/dax_writeback_one"; }
fsync() {
	local pd run pat sync out pages
	case "$(cat /sys/bus/nd/devices/region0/persistence_domain 2>/dev/null)" in
	memory_controller) pd=memctrl ;;
	cpu_cache) pd=cpu ;;
	*) pd=none ;;
	esac
	for pat in 4k 2m; do
		[ -e "$(wb_one)/enable" ] && { echo > $TR/trace; echo 1 > "$(wb_one)/enable"; }
		out=$($BIN/fsync_bench $DAX/fsync-file $pat fsync 0.05 2>&1) ||
			{ error "fsync_bench $pat: $out"; continue; }
		set -- $out
		pages=$8
		if [ -e "$(wb_one)/enable" ]; then
			echo 0 > "$(wb_one)/enable"
			# the rounds, and the untimed first
			pages=$(sed -n 's/.*dax_writeback_one: .* pglen \(0x[0-9a-f]*\).*/\1/p' $TR/trace |
				{ n=0; while read -r l; do n=$((n + l)); done; echo $((n / ($6 + 1))); })
			[ "$pages" -gt 0 ] ||
				{ error "fsync_bench $pat: no fs_dax:dax_writeback_one with a pglen in the trace"; continue; }
		fi
		bench fsync $pd-$pat-pages 1 "$pages" pages
		bench fsync $pd-$pat-faults 1 "$4" faults
	done
	for run in $(seq "$runs"); do
		for pat in 4k 2m; do
			for sync in fsync none; do
				out=$($BIN/fsync_bench $DAX/fsync-file $pat $sync $FSYNC_SECONDS 2>&1) ||
					{ error "fsync_bench $pat $sync: $out"; continue; }
				set -- $out
				bench fsync $pd-$pat-$sync "$run" "$2" us/page
			done
		done
	done
	rm -f $DAX/fsync-file
}

# teardown: unbind with N pages pinned, timed from the release of the pins
teardown() {
	local run n dev out
	echo 67108864 > /proc/sys/fs/pipe-max-size
	dev=$(active_pfn) || { error "no pfn device claims namespace0.0"; return; }
	for run in $(seq "$runs"); do
		for n in 0 512 16384 262144; do
			efault_once teardown pinned-$n && continue
			out=$($BIN/pin_teardown -n $n -f $DAX/pinned -m $DAX \
				-u /sys/bus/nd/drivers/nd_pmem/unbind -d $dev 2>&1)
			case "$out" in
			"seconds "*)
				set -- $out
				bench teardown pinned-$n "$run" "$2" s
				[ $n = 0 ] || bench teardown waited-$n "$run" "$4" bool ;;
			*"Bad address"*) efault teardown pinned-$n ;;
			*)
				# killed by an oops: the kernel is not fit to go on
				if dmesg | grep -q -E 'Oops|BUG:'; then
					bench teardown pinned-$n - "$CRASHED" -
					echo "# kernel: $(dmesg | grep -m 1 -E 'BUG:|Oops')"
					return
				fi
				error "pin_teardown -n $n: $out" ;;
			esac
			# still mounted: pin_teardown stopped before the unbind
			grep -q " $DAX " /proc/mounts && { rm -f $DAX/pinned; continue; }
			if [ ! -e /sys/bus/nd/devices/$dev/driver ]; then
				echo $dev > /sys/bus/nd/drivers/nd_pmem/bind ||
					{ error "rebind $dev"; return; }
			fi
			wait_for "$PMEM_DEV" 10 && mount_dax "$FS" "$PMEM_DEV" ||
				{ error "remount after the unbind of $dev"; return; }
			rm -f $DAX/pinned
		done
	done
}

cd /
dax_mount "$mode" "$FS" || { echo "# error: cannot set up $FS on namespace0.0 in mode $mode"; exit 1; }
PMEM_DEV=$PMEM
echo "# $(uname -r), namespace0.0 in mode $mode, $FS on $PMEM_DEV at $DAX"
for w in $workloads; do
	case "$w" in
	stream|pinrate|faults|teardown|profile|fsync) echo "# $w: $(date)"; $w ;;
	*) error "unknown workload '$w' (stream pinrate faults teardown profile fsync)" ;;
	esac
done
[ ! -e /tmp/bench-failed ]
