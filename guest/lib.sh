# guest/lib.sh: what guest tests and /init share.  Sourced by busybox sh.
#
# TAP: tests print "ok - name" or "not ok - name # reason" lines; the host
# numbers and counts them.  Real tools are called by full path: busybox
# sh would otherwise run its own applets of the same name.

MODPROBE=/usr/bin/modprobe
MKE2FS=/usr/sbin/mke2fs
MKFS_XFS=/usr/sbin/mkfs.xfs
DMSETUP=/usr/sbin/dmsetup
DAX=/mnt/dax			# the DAX mount
SCRATCH=/dev/vda		# the scratch disk for O_DIRECT I/O
BIN=/daxgup/bin			# the test programs
ND=/sys/bus/nd/devices

. /daxgup/markers.sh

ok() { echo "ok - $*"; }
not_ok() { local name=$1; shift; echo "not ok - $name${1:+ # $*}"; }

# job KEY: a value of this boot's job (harness/job.sh lists the keys;
# boot.sh adds release, the kernel release the guest must be running).
job() { sed -n "s/^$1=//p" $GUEST_JOB | tail -n 1; }

# logged PATTERN: the kernel logged PATTERN (since the last 'dmesg -c')
logged() {
	dmesg | grep -q "$1" || { echo "kernel log lacks '$1':"; dmesg | tail -n 5; return 1; }
}

# check NAME CMD...: one TAP line for CMD's status; its output, indented,
# as a diagnostic on failure.  CMD runs in this shell, so a function it
# calls can set variables (setup_namespace sets PMEM).
check() {
	tap_line failure "$@"
}

# show NAME CMD...: check, and show CMD's output either way.
show() {
	tap_line always "$@"
}

# tap_line failure|always NAME CMD...: check and show; when to show the output
tap_line() {
	local when=$1 name=$2 rc
	shift 2
	"$@" >/tmp/check.out 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		[ $when = always ] && sed 's/^/#   /' /tmp/check.out | tail -n 20
		ok "$name"
	else
		sed 's/^/#   /' /tmp/check.out | tail -n 20
		not_ok "$name" "exit $rc"
	fi
	return $rc
}

# bytes SIZE: a job's size (256M, 4G, ...) in bytes
bytes() {
	case "$1" in
	*G) echo $(( ${1%G} << 30 )) ;;
	*M) echo $(( ${1%M} << 20 )) ;;
	*K) echo $(( ${1%K} << 10 )) ;;
	*) echo "$1" ;;
	esac
}

# wait_for PATH [SECONDS]: until PATH exists.
wait_for() {
	local i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -gt $((${2:-10} * 10)) ] && return 1
		sleep 0.1
	done
}

# wait_exit PID [SECONDS]: until the background job PID ends (default
# 10 s); its exit status, or 1 if it is still running then.
wait_exit() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${2:-10} * 10)) ] && return 1
		sleep 0.1
	done
	wait "$1"
}

load_nvdimm() {
	$MODPROBE nfit && $MODPROBE nd_pmem && $MODPROBE nd_btt || return 1
	wait_for $ND/namespace0.0 10 || { echo "no namespace0.0 appeared"; return 1; }
}

# disable_test_buses: before nfit_test can unload.  Every bound device
# on a bus pins the provider module: disable the test buses' regions
# (their namespaces go with them), then the DIMMs.
disable_test_buses() {
	local d
	for d in $ND/region* $ND/nmem*; do
		case "$(readlink -f $d)" in */nfit_test.*) ;; *) continue ;; esac
		[ -e $d/driver ] || continue
		echo $(basename $d) > $d/driver/unbind || return 1
	done
}

# active_pfn: the pfn device that claims namespace0.0 now, if any.
active_pfn() {
	local d
	for d in $ND/pfn*; do
		[ -e "$d/driver" ] && [ "$(cat "$d/namespace")" = namespace0.0 ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# setup_namespace raw|pfn-ram|pfn-pmem [keep]: bring namespace0.0 up in
# that mode and set PMEM to its block device.  A pfn namespace found on
# the device (its info block survived a reboot) is reused if its mode
# matches; otherwise it is reconfigured, and what was on it is lost.
# With "keep" (guest-run's MKFS=0) a mismatch is refused instead.
setup_namespace() {
	local mode=$1 keep=${2:-} loc pfn cur
	load_nvdimm || return 1
	if upstream_kernel; then
		setup_namespace_ndctl "$mode"
		return
	fi
	case "$mode" in
	raw)
		PMEM=/dev/pmem0
		if pfn=$(active_pfn); then
			cur=pfn-$(cat $ND/$pfn/mode)
			keep_refuses "$keep" "$cur" raw || return 1
			echo "namespace0.0: $cur -> raw (its pfn info block is erased)"
			echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &&
			echo "" > $ND/$pfn/namespace &&
			echo 1 > $ND/namespace0.0/force_raw &&
			echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/bind &&
			wait_for $PMEM 10 &&
			dd if=/dev/zero of=$PMEM bs=64k count=1 oflag=direct 2>/dev/null &&
			echo 0 > $ND/namespace0.0/force_raw ||
				{ echo "namespace0.0: cannot make it raw"; return 1; }
		fi
		wait_for $PMEM 10 || { echo "no $PMEM"; return 1; }
		return 0 ;;
	pfn-ram) loc=ram ;;
	pfn-pmem) loc=pmem ;;
	*) echo "unknown mode '$mode' (raw, pfn-ram, pfn-pmem)"; return 1 ;;
	esac
	PMEM=/dev/pmem0m
	if pfn=$(active_pfn); then
		cur=$(cat $ND/$pfn/mode)
		if [ "$cur" != $loc ]; then
			keep_refuses "$keep" "pfn-$cur" "$mode" || return 1
			echo "namespace0.0: pfn-$cur -> $mode (nothing on it is kept)"
			echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &&
			pfn_enable "$pfn" $loc ||
				{ echo "$pfn: cannot change it to memmap location '$loc'"; return 1; }
		fi
	else
		if [ -e $ND/namespace0.0/driver ]; then
			keep_refuses "$keep" raw "$mode" || return 1
			echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/unbind || return 1
		fi
		pfn=$(cat $ND/region0/pfn_seed)
		pfn_enable "$pfn" $loc || {
			echo "$pfn: cannot enable memmap location '$loc'"
			return 1
		}
	fi
	wait_for $PMEM 10 || { echo "no $PMEM"; return 1; }
}

# keep_refuses KEEP CUR WANT: fail, saying why, if the namespace is in
# mode CUR, the caller wants WANT, and KEEP says to keep what is on it.
keep_refuses() {
	[ "$1" = keep ] || return 0
	echo "namespace0.0 is in mode '$2', not '$3', and MKFS=0 keeps what is on it:"
	echo "  use MODE=$2 to keep it, or MKFS=1 (or FRESH=1) to start over in $3"
	return 1
}

# upstream_kernel: true on a kernel newer than 4.4 (KERNEL=reference), whose
# namespaces ndctl sets up: fsdax mode, memmap location "mem" or "dev".
upstream_kernel() {
	case "$(uname -r)" in 4.4.*) return 1 ;; esac
}

# setup_namespace_ndctl raw|pfn-ram|pfn-pmem: setup_namespace with ndctl.
setup_namespace_ndctl() {
	local how
	case "$1" in
	raw) how="-m raw" ;;
	pfn-ram) how="-m fsdax -M mem -a 2M" ;;
	pfn-pmem) how="-m fsdax -M dev -a 2M" ;;
	*) echo "unknown mode '$1' (raw, pfn-ram, pfn-pmem)"; return 1 ;;
	esac
	/usr/bin/ndctl create-namespace -f -e namespace0.0 $how > /tmp/ndctl.json || return 1
	PMEM=/dev/$(sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p' /tmp/ndctl.json)
	wait_for "$PMEM" 10 || { echo "no $PMEM"; cat /tmp/ndctl.json; return 1; }
}

# pfn_enable PFN ram|pmem: (re)create the pfn device PFN on namespace0.0
# with a new uuid and its memmap in that location, and bind it (4.4 sysfs)
pfn_enable() {
	echo "$(cat /proc/sys/kernel/random/uuid)" > $ND/$1/uuid &&
	echo "$2" > $ND/$1/mode &&
	{ [ "$(cat $ND/$1/namespace)" = namespace0.0 ] ||
		echo namespace0.0 > $ND/$1/namespace; } &&
	echo "$1" > /sys/bus/nd/drivers/nd_pmem/bind &&
	wait_for /dev/pmem0m 10
}

# make_fs ext2|ext4|xfs DEV: with on-disk features that a 4.4 kernel mounts.
make_fs() {
	case "$1" in
	ext2) $MKE2FS -q -F -t ext2 -b 4096 "$2" ;;
	ext4) $MKE2FS -q -F -t ext4 -b 4096 -O ^orphan_file,^metadata_csum_seed "$2" ;;
	# A 2 MiB stripe unit: a file's first allocation is 2 MiB aligned,
	# and DAX can map it with PMDs.  Two allocation groups: xfs aligns
	# that allocation only when it fits in one group's free space, and
	# with mkfs's default of 8 groups of 512 MiB (on 4 GiB) a 1 GiB
	# fallocate gets no aligned extent (pmd-align.sh measures it).
	xfs) $MKFS_XFS -q -f -m reflink=0,bigtime=0,inobtcount=0 \
		-d su=2m,sw=1,agcount=2 "$2" ;;
	*) echo "unknown filesystem '$1' (ext2, ext4, xfs)"; return 1 ;;
	esac
}

# mount_dax ext2|ext4|xfs DEV: mount at $DAX with -o dax and make sure it is.
mount_dax() {
	mkdir -p $DAX
	mount -t "$1" -o dax "$2" $DAX || return 1
	grep " $DAX $1 " /proc/mounts | grep -q -E '[ ,]dax(=always)?[ ,]' ||
		{ echo "$DAX is mounted, but not with dax: $(grep " $DAX " /proc/mounts)"; return 1; }
}

# dax_mount MODE FS: namespace0.0 in MODE, a new FS on it, mounted -o dax
# at $DAX (PMEM: its block device)
dax_mount() {
	setup_namespace "$1" && make_fs "$2" "$PMEM" && mount_dax "$2" "$PMEM"
}

# check_dax_mount MODE FS: dax_mount's three steps, one TAP line each
check_dax_mount() {
	check "namespace0.0 in mode $1" setup_namespace "$1" &&
	check "mkfs.$2" make_fs "$2" "$PMEM" &&
	check "mount -o dax" mount_dax "$2" "$PMEM"
}

# memfree: MemFree in KiB, the median of 3 readings with caches dropped
memfree() {
	local i
	for i in 1 2 3; do
		sync
		echo 3 > /proc/sys/vm/drop_caches
		sleep 0.3
		awk '/^MemFree:/ { print $2 }' /proc/meminfo
	done | sort -n | sed -n 2p
}

# kmemleak_report: with CONFIG_DEBUG_KMEMLEAK, scan now; the kernel logs
# "kmemleak: N new suspected memory leaks" on the console if any.
kmemleak_report() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	sleep 6		# objects younger than 5 s are not reported
	echo scan > /sys/kernel/debug/kmemleak
	head -n 40 /sys/kernel/debug/kmemleak | sed 's/^/# kmemleak: /'
}
