#!/usr/bin/env bash
# boot.sh: boot the guest once in QEMU and run one job in it.
#
# Topology: -machine pc,nvdimm=on; NVDIMMS file-backed NVDIMMs of
# NVDIMM_SIZE (sparse files in DISK_DIR, default RUNDIR, kept between boots
# unless FRESH=1); a virtio scratch disk (/dev/vda in the guest, also in
# DISK_DIR) and the read-only tools disk (/dev/vdb).  TCG unless ACCEL=kvm.
# DISK_DIR on tmpfs (the benchmarks) keeps host writeback out of the
# guest's timings: the scratch disk is then opened with the host's cache.
#
# The job (all optional): MODE=raw|pfn-ram|pfn-pmem|none, FS=ext4|xfs|none,
# MKFS=1|0, RUN (a host file, copied in and run) or GUEST_RUN (a path in
# the guest), ARGS (shell words).  See README for the rest.
#
# Writes RUNDIR/NAME.console.log (kernel), RUNDIR/NAME.out.log (job),
# RUNDIR/NAME.reports (the kernel's report lines) and RUNDIR/NAME.verdict; exits with the job's status, 124 on time-out, 125
# if the guest could not set up, 126 if the kernel logged a report
# (oops, BUG, WARNING, KASAN, lockdep, kmemleak...) and the job passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel_paths

RUNDIR=${RUNDIR:-$BUILD/run/guest}
NAME=${NAME:-boot}
MODE=${MODE:-pfn-ram}
FS=${FS:-ext4}
MKFS=${MKFS:-1}
NVDIMMS=${NVDIMMS:-1}
NVDIMM_SIZE=${NVDIMM_SIZE:-4G}
SCRATCH_SIZE=${SCRATCH_SIZE:-2G}
MEM=${MEM:-2G}
SMP=${SMP:-2}
ACCEL=${ACCEL:-tcg}
TIMEOUT=${TIMEOUT:-600}
DISK_DIR=${DISK_DIR:-$RUNDIR}
SHOW=${SHOW:-1}			# 1: stream the job's output while it runs
G=$BUILD/guest

# The kernel log lines that fail a run (less tests/benign-reports).
REPORTS='(BUG:|Oops|WARNING:|cut here|Kernel panic|general protection fault|KASAN|UBSAN|INFO: possible|INFO: inconsistent|INFO: trying to register|INFO: task .* blocked|INFO: rcu_.* stall|possible circular locking|possible recursive locking|suspected memory leak|list_add corruption|list_del corruption|Bad page|bad page state|Call Trace)'

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
kernel=$OBJ/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at ${kernel#$TOP/}: run 'make kernel KERNEL=$KERNEL DEBUG=$DEBUG'"
[ -f "$OBJ/modules.cpio" ] || die "no ${OBJ#$TOP/}/modules.cpio: run 'make image KERNEL=$KERNEL DEBUG=$DEBUG'"
[ -f "$G/common.cpio" ] && [ -f "$G/tools.img" ] || die "no guest image: run 'make image'"
case "$ACCEL" in tcg|kvm) ;; *) die "ACCEL must be tcg or kvm, not '$ACCEL'" ;; esac

mkdir -p "$RUNDIR" "$DISK_DIR"
console=$RUNDIR/$NAME.console.log
out=$RUNDIR/$NAME.out.log
verdict=$RUNDIR/$NAME.verdict
rm -f "$console" "$out" "$verdict"

# The job, packed as a cpio appended to the initramfs.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
payload=$RUNDIR/$NAME.payload
rm -rf "$payload"
mkdir -p "$payload/daxgup/user"
run=${GUEST_RUN:-}
if [ -n "${RUN:-}" ]; then
	[ -f "$RUN" ] || die "RUN=$RUN: no such file"
	install -m 755 "$RUN" "$payload/daxgup/user/"
	run=/daxgup/user/$(basename "$RUN")
fi
{
	echo "MODE=$(sq "$MODE")"
	echo "FS=$(sq "$FS")"
	echo "MKFS=$(sq "$MKFS")"
	echo "RUN=$(sq "$run")"
	echo "ARGS=$(sq "${ARGS:-}")"
} > "$payload/daxgup/job.sh"
(cd "$payload" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	> "$RUNDIR/$NAME.payload.cpio"
cat "$G/common.cpio" "$OBJ/modules.cpio" "$RUNDIR/$NAME.payload.cpio" > "$RUNDIR/$NAME.initrd"

# Disks: NVDIMM backing files persist in RUNDIR; the scratch disk is new.
nv_bytes=$(numfmt --from=iec "$NVDIMM_SIZE")
args=()
for ((i = 0; i < NVDIMMS; i++)); do
	f=$DISK_DIR/nvdimm$i.img
	[ "${FRESH:-0}" = 1 ] && rm -f "$f"
	[ -f "$f" ] && [ "$(stat -c %s "$f")" != "$nv_bytes" ] &&
		die "$f is not $NVDIMM_SIZE: use FRESH=1 to recreate it"
	[ -f "$f" ] || truncate -s "$NVDIMM_SIZE" "$f"
	args+=(-object "memory-backend-file,id=nvmem$i,share=on,mem-path=$f,size=$NVDIMM_SIZE"
	       -device "nvdimm,id=nvdimm$i,memdev=nvmem$i")
done
rm -f "$DISK_DIR/scratch.img"
truncate -s "$SCRATCH_SIZE" "$DISK_DIR/scratch.img"
# O_DIRECT on the host (cache=none) where the filesystem has it; not tmpfs
scratch_cache=none
[ "$(stat -f -c %T "$DISK_DIR")" = tmpfs ] && scratch_cache=writeback
memory=$MEM
[ "$NVDIMMS" -gt 0 ] &&
	memory="$MEM,slots=$NVDIMMS,maxmem=$(( $(numfmt --from=iec "$MEM") + NVDIMMS * nv_bytes ))"

cmdline="console=ttyS0,115200 panic=-1"
# Debug kernels spend ~45 s per PCI interrupt link evaluating its AML
# (KASAN and lockdep under TCG); route PCI interrupts without ACPI.
[ "$FLAVOR" = debug ] && cmdline="$cmdline acpi=noirq"
cmdline="$cmdline ${APPEND:-}"
qemu=(qemu-system-x86_64 -machine "pc,nvdimm=on,accel=$ACCEL" -smp "$SMP"
	-m "$memory"
	-nodefaults -display none -no-reboot -net none
	-kernel "$kernel" -initrd "$RUNDIR/$NAME.initrd" -append "$cmdline"
	-serial "file:$console" -serial "file:$out"
	-drive "file=$DISK_DIR/scratch.img,if=none,id=scratch,format=raw,cache=$scratch_cache"
	-device virtio-blk-pci,drive=scratch,addr=0x4
	-drive "file=$G/tools.img,if=none,id=tools,format=raw,readonly=on"
	-device virtio-blk-pci,drive=tools,addr=0x5
	"${args[@]}" ${QEMU_EXTRA:-})
[ "$ACCEL" = kvm ] && qemu+=(-cpu host)

start=$(date +%s.%N)
: > "$out"
: > "$console"
timeout --kill-after=10 "$TIMEOUT" "${qemu[@]}" >"$RUNDIR/$NAME.qemu.log" 2>&1 &
qpid=$!
if [ "$SHOW" = 1 ]; then
	tail -n +1 -f --pid=$qpid "$out" | grep --line-buffered -v '^DAXGUP-RC=' || true
fi
qrc=0
wait $qpid || qrc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
secs=${secs%.*}

rc=$(sed -n 's/^DAXGUP-RC=\([0-9]*\).*/\1/p' "$out" | tail -n 1)
# report_lines: the console's report lines.  After a guest test announces
# that it removes a device under a mounted filesystem (tests/guest/
# unbind.sh), the backtrace that XFS prints with its own "Internal error"
# report when it shuts down on the I/O errors is the filesystem doing its
# job, not a kernel report; any other report still counts.
report_lines() {
	awk -v pat="$REPORTS" '
		/daxgup: device removal: filesystem error reports expected/ { removal = 1 }
		removal && /XFS \(.*\): Internal error / { fs_report = 1; next }
		$0 ~ pat {
			if (fs_report && /Call Trace/) { fs_report = 0; next }
			fs_report = 0
			print
		}' "$console"
}
report_lines | grep -v -E -f <(grep -v -e '^#' -e '^$' "$TOP/tests/benign-reports") \
	> "$RUNDIR/$NAME.reports" || true
reports=$(wc -l < "$RUNDIR/$NAME.reports")
why=
if [ -z "$rc" ]; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		rc=124; why="timed out after ${TIMEOUT}s"
	elif grep -q 'Kernel panic' "$console"; then
		rc=125; why="kernel panic"
	else
		rc=125; why="QEMU exited ($qrc) before the job finished"
	fi
fi
[ "$rc" = 0 ] && [ "$reports" -gt 0 ] && rc=126
printf 'rc=%s\nreports=%s\nseconds=%s\nwhy=%s\n' "$rc" "$reports" "$secs" "$why" > "$verdict"

if [ "$reports" -gt 0 ]; then
	warn "the guest kernel logged $reports report line(s); the first:"
	head -n 5 "$RUNDIR/$NAME.reports" | sed 's/^/  /' >&2
fi
if [ -n "$why" ]; then
	warn "guest: $why; last kernel lines (${console#$TOP/}):"
	tail -n 8 "$console" | sed 's/^/  /' >&2
	sed 's/^/  qemu: /' "$RUNDIR/$NAME.qemu.log" >&2
fi
msg "guest ($KERNEL/$FLAVOR, $MODE, $FS): exit status $rc in ${secs}s; logs in ${RUNDIR#$TOP/}/$NAME.*"
exit "$rc"
