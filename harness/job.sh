#!/usr/bin/env bash
# job.sh: write a job file, the one contract of a guest boot (boot.sh JOB).
#
#   job.sh JOB [key=value...]    the given keys, defaults for the rest
#   job.sh JOB --from-env        the user's variables (make guest-run):
#                                KERNEL DEBUG MODE FS ... RUN ARGS
#
# A job is key=value lines, one per key below, every key present.  An
# empty value takes the default.  Values are single lines; args holds
# shell words, split in the guest.  boot.sh reads nothing else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# key|default|what it is (README's Variables table: the same, by the
# names 'make guest-run' reads them from)
KEYS='kernel|series|series, base or reference
debug|0|1: the debug flavor (config/debug.config)
mode|pfn-ram|namespace0.0 before the job runs: raw, pfn-ram, pfn-pmem, none
fs|ext4|ext4, xfs or none, made and mounted -o dax at /mnt/dax
mkfs|1|0: mount the filesystem already there
nvdimms|1|emulated NVDIMMs, 0-8
nvdimm_size|4G|the size of each
mem|2G|guest RAM
smp|2|guest CPUs
accel|tcg|tcg or kvm
machine|pc|pc, or q35: adds an emulated IOMMU (intel-iommu, booted with intel_iommu=on) and a spare PCI device for VFIO (the edu device of QEMU, 1234:11e8)
clock|wall|wall, or icount: guest time counts guest instructions (one CPU)
persistence|none|the NFIT Platform Capabilities Structure QEMU builds: none (no such entry), cpu or mem-ctrl (-machine nvdimm-persistence=)
timeout|600|seconds before the guest is killed
append||extra kernel command line
qemu||extra QEMU arguments (shell words)
fresh|0|1: new, empty NVDIMM files
disks||directory of the NVDIMM and scratch files (default: beside the job)
run||a host file: copied into the guest and run
guest_run||a program already in the guest image, e.g. /daxgup/tests/dax.sh
args||its arguments (shell words)
boot|1|which boot of a multi-boot test case this is'

keys() { printf '%s\n' "$KEYS" | cut -d'|' -f1; }
default() { printf '%s\n' "$KEYS" | awk -F'|' -v k="$1" '$1 == k { print $2 }'; }

# check KEY VALUE: refuse a value that boot.sh or the guest cannot use.
check() {
	local k=$1 v=$2
	case "$k" in
	kernel) case "$v" in series|base|reference) ;; *) bad "$k" "$v" "series, base or reference" ;; esac ;;
	debug|mkfs|fresh) case "$v" in 0|1) ;; *) bad "$k" "$v" "0 or 1" ;; esac ;;
	mode) case "$v" in raw|pfn-ram|pfn-pmem|none) ;; *) bad "$k" "$v" "raw, pfn-ram, pfn-pmem or none" ;; esac ;;
	fs) case "$v" in ext4|xfs|none) ;; *) bad "$k" "$v" "ext4, xfs or none" ;; esac ;;
	accel) case "$v" in tcg|kvm) ;; *) bad "$k" "$v" "tcg or kvm" ;; esac ;;
	machine) case "$v" in pc|q35) ;; *) bad "$k" "$v" "pc or q35" ;; esac ;;
	clock) case "$v" in wall|icount) ;; *) bad "$k" "$v" "wall or icount" ;; esac ;;
	persistence) case "$v" in none|cpu|mem-ctrl) ;; *) bad "$k" "$v" "none, cpu or mem-ctrl" ;; esac ;;
	nvdimms) case "$v" in [0-8]) ;; *) bad "$k" "$v" "a number from 0 to 8" ;; esac ;;
	smp|timeout|boot) case "$v" in ''|*[!0-9]*|0) bad "$k" "$v" "a positive number" ;; esac ;;
	nvdimm_size|mem) numfmt --from=iec "$v" >/dev/null 2>&1 || bad "$k" "$v" "a size such as 4G or 192M" ;;
	esac
}
bad() { die "job: $1=$2 is not valid: $1 is $3"; }

out=${1:?usage: job.sh JOB [key=value...] | job.sh JOB --from-env}
shift
declare -A job=()
if [ "${1:-}" = --from-env ]; then
	job=([kernel]=${KERNEL:-} [debug]=${DEBUG:-} [mode]=${MODE:-} [fs]=${FS:-}
		[mkfs]=${MKFS:-} [nvdimms]=${NVDIMMS:-} [nvdimm_size]=${NVDIMM_SIZE:-}
		[mem]=${MEM:-} [smp]=${SMP:-} [accel]=${ACCEL:-} [machine]=${MACHINE:-}
		[clock]=${CLOCK:-} [persistence]=${NVDIMM_PERSISTENCE:-}
		[timeout]=${TIMEOUT:-} [append]=${APPEND:-} [qemu]=${QEMU_EXTRA:-}
		[fresh]=${FRESH:-} [run]=${RUN:-} [args]=${ARGS:-})
else
	for kv in "$@"; do
		k=${kv%%=*}
		[ "$k" != "$kv" ] || die "job: '$kv' is not key=value"
		keys | grep -qxF -- "$k" || die "job: unknown key '$k' (keys: $(keys | tr '\n' ' '))"
		job[$k]=${kv#*=}
	done
fi
[ "${job[kernel]:-}" = reference ] && [ "${job[debug]:-0}" = 1 ] &&
	die "job: kernel=reference has no debug flavor"
# QEMU 7.2 with -icount hangs at the second CPU's bring-up: one CPU
if [ "${job[clock]:-}" = icount ]; then
	[ "${job[smp]:-1}" = 1 ] ||
		die "job: clock=icount needs smp=1 (with -icount, QEMU hangs bringing up a second CPU)"
	job[smp]=1
fi
# a host file: by its absolute path, so that the job works from anywhere
if [ -n "${job[run]:-}" ]; then
	[ -f "${job[run]}" ] || die "job: run=${job[run]}: no such file"
	job[run]=$(realpath "${job[run]}")
fi
mkdir -p "$(dirname "$out")"
trap 'rm -f "$out.tmp"' EXIT	# a refused value leaves nothing behind
for k in $(keys); do
	v=${job[$k]:-}
	[ -n "$v" ] || v=$(default "$k")
	case "$v" in *$'\n'*) die "job: $k holds a newline" ;; esac
	check "$k" "$v"
	printf '%s=%s\n' "$k" "$v"
done > "$out.tmp"
mv "$out.tmp" "$out"
