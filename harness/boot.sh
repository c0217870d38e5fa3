#!/usr/bin/env bash
# boot.sh: boot the guest once in QEMU and run one job in it.
#
#   boot.sh [-q] DIR/NAME.job      (job.sh writes jobs; -q: quiet)
#
# The job file is the boot's only input: kernel, namespace mode,
# filesystem, NVDIMMs, memory, CPUs, clock, time-out and what to run.
# Nothing is read from the environment.  Outputs go beside the job:
#   NAME.console.log  the kernel's console     NAME.out.log   the job's output
#   NAME.reports      the kernel's report lines NAME.verdict  rc, reports,
#                                                             seconds, why
# Topology: -machine pc,nvdimm=on, or with machine=q35, q35 with an
# emulated IOMMU (intel-iommu; the kernel boots with intel_iommu=on) and
# a spare PCI device for VFIO (QEMU's edu); NVDIMM files (sparse, kept
# between boots unless fresh=1) and a new scratch disk (/dev/vda) in the
# job's disks directory; the read-only tools disk (/dev/vdb).  On tmpfs (the
# benchmarks) the scratch disk uses the host's cache.
#
# Exit status: the job's; 124 on time-out, 125 if the guest could not set
# up or panicked, 126 if the kernel logged a report (oops, BUG, WARNING,
# KASAN, lockdep, kmemleak...) and the job passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

show=1
[ "${1:-}" = -q ] && { show=0; shift; }
JOB=${1:?usage: boot.sh [-q] DIR/NAME.job (write one with harness/job.sh)}
[ -f "$JOB" ] || die "no job file $JOB (write one with harness/job.sh)"
RUNDIR=$(cd "$(dirname "$JOB")" && pwd)
NAME=$(basename "$JOB" .job)
console=$RUNDIR/$NAME.console.log
out=$RUNDIR/$NAME.out.log
verdict=$RUNDIR/$NAME.verdict
# nothing of an earlier boot may pass for this one's
rm -f "$console" "$out" "$verdict" "$RUNDIR/$NAME.reports"
j() { kv_get "$JOB" "$1"; }
KERNEL=$(j kernel) DEBUG=$(j debug)
kernel_paths

# With -icount, guest time is guest instructions, 2^ICOUNT_SHIFT ns each
# (250 MIPS), and idle time is skipped: a measurement in guest time does
# not depend on the host's load.
ICOUNT_SHIFT=2
# The kernel log lines that fail a run (less tests/benign-reports).
REPORTS='(BUG:|Oops|WARNING:|cut here|Kernel panic|general protection fault|KASAN|UBSAN|INFO: possible|INFO: inconsistent|INFO: trying to register|INFO: task .* blocked|INFO: rcu_.* stall|possible circular locking|possible recursive locking|suspected memory leak|list_add corruption|list_del corruption|Bad page|bad page state|Call Trace)'

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
kernel=$OBJ/arch/x86/boot/bzImage
[ -f "$kernel" ] && [ -f "$OBJ/modules.cpio" ] ||
	die "no $KERNEL kernel in ${OBJ#$TOP/}: run 'make kernel KERNEL=$KERNEL DEBUG=$DEBUG'"
[ -f "$BUILD/guest/common.cpio" ] && [ -f "$BUILD/guest/tools.img" ] ||
	die "no guest image: run 'make image'"

disks=$(j disks)
disks=${disks:-$RUNDIR}
mkdir -p "$disks"

# The guest's part of the job, in /daxgup/job: the job itself, the
# program to run in the guest, and the release the kernel must report.
payload=$RUNDIR/$NAME.payload
rm -rf "$payload"
mkdir -p "$payload/daxgup/user"
run=$(j guest_run)
if [ -n "$(j run)" ]; then
	[ -f "$(j run)" ] || die "run=$(j run): no such file"
	install -m 755 "$(j run)" "$payload/daxgup/user/"
	run=/daxgup/user/$(basename "$(j run)")
fi
{
	grep -v -e '^run=' -e '^guest_run=' "$JOB"
	echo "run=$run"
	echo "release=$(cat "$OBJ/include/config/kernel.release" 2>/dev/null || echo unknown)"
} > "$payload$GUEST_JOB"
cpio_of "$payload" "$RUNDIR/$NAME.payload.cpio"
cat "$BUILD/guest/common.cpio" "$OBJ/modules.cpio" "$RUNDIR/$NAME.payload.cpio" > "$RUNDIR/$NAME.initrd"

# Disks: the NVDIMM files persist unless fresh=1; the scratch disk is new.
nvdimms=$(j nvdimms) size=$(j nvdimm_size) mem=$(j mem)
nv_bytes=$(numfmt --from=iec "$size")
args=()
for ((i = 0; i < nvdimms; i++)); do
	f=$disks/nvdimm$i.img
	[ "$(j fresh)" = 1 ] && rm -f "$f"
	[ -f "$f" ] && [ "$(stat -c %s "$f")" != "$nv_bytes" ] &&
		die "$f is not $size: use FRESH=1 (fresh=1) to recreate it"
	[ -f "$f" ] || truncate -s "$size" "$f"
	args+=(-object "memory-backend-file,id=nvmem$i,share=on,mem-path=$f,size=$size"
	       -device "nvdimm,id=nvdimm$i,memdev=nvmem$i")
done
rm -f "$disks/scratch.img"
truncate -s 2G "$disks/scratch.img"
# O_DIRECT on the host (cache=none) where the filesystem has it; not tmpfs
scratch_cache=none
[ "$(stat -f -c %T "$disks")" = tmpfs ] && scratch_cache=writeback
memory=$mem
[ "$nvdimms" -gt 0 ] &&
	memory="$mem,slots=$nvdimms,maxmem=$(( $(numfmt --from=iec "$mem") + nvdimms * nv_bytes ))"
[ "$(j clock)" = icount ] && args+=(-icount "shift=$ICOUNT_SHIFT,sleep=off")
[ "$(j accel)" = kvm ] && args+=(-cpu host)

cmdline="console=ttyS0,115200 panic=-1"
# Debug kernels spend ~45 s per PCI interrupt link evaluating its AML
# (KASAN and lockdep under TCG); route PCI interrupts without ACPI.
[ "$FLAVOR" = debug ] && cmdline="$cmdline acpi=noirq"
# The IOMMU comes before the other PCI devices, which it translates.
# The guest config has no interrupt remapping: VFIO must be told that
# the edu device's MSIs may go unremapped.
machine=("pc,nvdimm=on,accel=$(j accel)")
if [ "$(j machine)" = q35 ]; then
	machine=("q35,nvdimm=on,accel=$(j accel)" -device intel-iommu -device edu)
	cmdline="$cmdline intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1"
fi
# QEMU adds a Platform Capabilities Structure to the NFIT only when asked
[ "$(j persistence)" = none ] || machine[0]+=",nvdimm-persistence=$(j persistence)"
cmdline="$cmdline $(j append)"
# shellcheck disable=SC2207 # the job's qemu= holds shell words
qemu=(qemu-system-x86_64 -machine "${machine[@]}" -smp "$(j smp)"
	-m "$memory"
	-nodefaults -display none -no-reboot -net none
	-kernel "$kernel" -initrd "$RUNDIR/$NAME.initrd" -append "$cmdline"
	-serial "file:$console" -serial "file:$out"
	-drive "file=$disks/scratch.img,if=none,id=scratch,format=raw,cache=$scratch_cache"
	-device virtio-blk-pci,drive=scratch,addr=0x4
	-drive "file=$BUILD/guest/tools.img,if=none,id=tools,format=raw,readonly=on"
	-device virtio-blk-pci,drive=tools,addr=0x5
	"${args[@]}" $(j qemu))

timeout=$(j timeout)
start=$(date +%s.%N)
: > "$out"
: > "$console"
timeout --kill-after=10 "$timeout" "${qemu[@]}" >"$RUNDIR/$NAME.qemu.log" 2>&1 &
qpid=$!
if [ "$show" = 1 ]; then
	tail -n +1 -f --pid=$qpid "$out" | grep --line-buffered -v "^$RC_MARKER" || true
fi
qrc=0
wait $qpid || qrc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
secs=${secs%.*}

rc=$(sed -n "s/^$RC_MARKER\([0-9]*\).*/\1/p" "$out" | tail -n 1)
# report_lines: the console's report lines.  After a guest test announces
# that it removes a device under a mounted filesystem (REMOVAL_MARKER),
# the backtrace that XFS prints with its own "Internal error" report
# when it shuts down on the I/O errors is the filesystem doing its job,
# not a kernel report; any other report still counts.
report_lines() {
	awk -v pat="$REPORTS" -v marker="$REMOVAL_MARKER" '
		index($0, marker) { removal = 1 }
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
		rc=124; why="timed out after ${timeout}s"
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
msg "guest ($KERNEL/$FLAVOR, $(j mode), $(j fs)): exit status $rc in ${secs}s; logs in ${RUNDIR#$TOP/}/$NAME.*"
exit "$rc"
