#!/usr/bin/env bash
# bench.sh: the benchmarks, every kernel in one run on the same guest
# topology, then the report (report.sh).
#
#   KERNELS    series base reference (default: all three)
#   RUNS       runs of each measurement (default 5; the report takes medians)
#   WORKLOADS  stream pinrate faults teardown profile fsync memmap (default:
#              all)
#   FSS        ext4 xfs (default: both)
#   CLOCKS     wall icount: the guest's clock (default: wall); both run
#              every boot twice, and the report sets their spreads side
#              by side
#   OUT        results directory (default build/bench/latest)
#   DOCS       where the report goes (default docs/bench)
#
# One boot per kernel, memmap location and filesystem runs
# tests/bench/io.sh; one boot per kernel and namespace size (4 GiB,
# 16 GiB) runs tests/bench/memmap.sh; fsync runs in boots of its own, one
# per kernel (not the base: it writes no DAX store back), NFIT persistence
# domain (mem-ctrl, cpu) and filesystem, memmap on pmem.  Every boot has a new NVDIMM and
# the same topology, written into its job (OUT/<boot>.job); the report
# prints the settings of the jobs that ran.  Writes OUT/results.tsv
# (kernel mode fs workload variant run value unit clock) and
# OUT/<boot>.out.log; exits 1 if a boot or a measurement failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-series base reference}
RUNS=${RUNS:-5}
WORKLOADS=${WORKLOADS:-stream pinrate faults teardown profile fsync memmap}
FSS=${FSS:-ext4 xfs}
CLOCKS=${CLOCKS:-wall}
OUT=${OUT:-$BUILD/bench/latest}
DOCS=${DOCS:-$TOP/docs/bench}
H=$TOP/harness
# the benchmark topology: every boot's job has it (and smp=2, the
# default, or under -icount 1, which job.sh chooses)
TOPOLOGY=(mem=2G nvdimms=1)
case "$RUNS" in ''|*[!0-9]*|0) die "RUNS must be a positive number, not '$RUNS'" ;; esac
for c in $CLOCKS; do
	case "$c" in wall|icount) ;; *) die "unknown clock '$c' (wall icount)" ;; esac
done
for k in $KERNELS; do
	case "$k" in series|base|reference) ;;
	*) die "KERNELS: unknown kernel '$k' (series base reference)" ;; esac
done
for w in $WORKLOADS; do
	case "$w" in stream|pinrate|faults|teardown|profile|fsync|memmap) ;;
	*) die "unknown workload '$w' (stream pinrate faults teardown profile fsync memmap)" ;; esac
done
# in a fixed order, teardown last: on the reference kernel it oopses
io_workloads=
for w in stream pinrate faults profile teardown; do
	case " $WORKLOADS " in *" $w "*) io_workloads="$io_workloads $w" ;; esac
done
io_workloads=${io_workloads# }

# The NVDIMM and scratch images: a boot writes up to about 2 GiB into
# them, and they go after it.  On tmpfs (/dev/shm) when it has room: with
# the images on a disk, host writeback write-protects the NVDIMM's pages
# now and then, and the guest's next touch of each costs a host fault,
# noise that lands on whichever measurement runs then.
free_gib() { echo $(( $(df -Pk "$1" | awk 'NR == 2 { print $4 }') >> 20 )); }
mkdir -p "$BUILD/bench"
if [ -d /dev/shm ] && [ "$(free_gib /dev/shm)" -ge 6 ]; then
	disks=/dev/shm/dax-gup-bench.$$
else
	disks=$BUILD/bench/disks
	[ "$(free_gib "$BUILD")" -ge 6 ] ||
		die "less than 6 GiB free in /dev/shm and under ${BUILD#$TOP/}: the benchmarks need 6 GiB for the guest's disks ('make clean' removes old guest runs)"
	warn "/dev/shm has less than 6 GiB free: the guest's disks go to ${disks#$TOP/}, and host writeback adds noise"
fi
trap 'rm -rf "$disks"' EXIT

# --- kernels and images -----------------------------------------------------
"$H"/image.sh all || exit 1
for k in $KERNELS; do
	KERNEL=$k DEBUG=0 "$H"/kernel.sh build || die "cannot prepare the $k kernel"
done

# --- the boots ----------------------------------------------------------------
# boots: "kernel|mode|fs|nvdimm size|clock|persistence|guest command" per
# boot
boots() {
	local c k m fs size p
	for c in $CLOCKS; do
	for k in $KERNELS; do
		if [ -n "$io_workloads" ]; then
			for m in pfn-ram pfn-pmem; do
				# the base has no memmap location "pmem"
				[ "$k" = base ] && [ $m = pfn-pmem ] && continue
				for fs in $FSS; do
					echo "$k|$m|$fs|4G|$c|none|/daxgup/bench/io.sh $m $fs $RUNS '$io_workloads'"
				done
			done
		fi
		case " $WORKLOADS " in *" fsync "*)
			[ "$k" = base ] ||
			for p in mem-ctrl cpu; do
				for fs in $FSS; do
					echo "$k|pfn-pmem|$fs|4G|$c|$p|/daxgup/bench/io.sh pfn-pmem $fs $RUNS fsync"
				done
			done ;;
		esac
		case " $WORKLOADS " in *" memmap "*)
			for size in 4G 16G; do
				echo "$k|memmap-$size|-|$size|$c|none|/daxgup/bench/memmap.sh $RUNS"
			done ;;
		esac
	done
	done
}

mkdir -p "$OUT"
rm -f "$OUT"/*.out.log "$OUT"/*.console.log "$OUT"/*.job
results=$OUT/results.tsv
printf 'kernel\tmode\tfs\tworkload\tvariant\trun\tvalue\tunit\tclock\n' > "$results"
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB"
	echo "qemu: $(qemu-system-x86_64 --version | head -n 1); disk images in $disks ($(stat -f -c %T "$(dirname "$disks")"))"
	echo "runs: $RUNS"
	for k in $KERNELS; do
		case $k in
		series) echo "kernel series: $LINUX_VERSION + series/ ($(grep -vc '^#' "$SERIES/series") patches, $(series_hash))" ;;
		base) echo "kernel base: $LINUX_VERSION" ;;
		reference) echo "kernel reference: $(cat "$BUILD/reference/obj/.stamp" | sed 's/_amd64.deb//')" ;;
		esac
	done
} > "$OUT/machine.txt"

total=$(boots | wc -l) i=0 bad=0 start=$(date +%s)
while IFS='|' read -r k m fs size clock p cmd; do
	i=$((i + 1))
	name=$k-$m
	[ "$fs" = - ] || name=$name-$fs
	[ "$p" = none ] || name=$name-$p
	[ "$clock" = wall ] || name=$name-$clock
	run=$BUILD/bench/run/$name
	msg "bench [$i/$total] $name ($(( ($(date +%s) - start) / 60 )) min so far)"
	"$H"/job.sh "$run/bench.job" kernel="$k" debug=0 mode=none mkfs=0 fresh=1 \
		nvdimm_size="$size" clock="$clock" persistence="$p" disks="$disks" timeout=2400 \
		"${TOPOLOGY[@]}" guest_run="${cmd%% *}" args="${cmd#* }" || exit 1
	cp "$run/bench.job" "$OUT/$name.job"
	# the guest's section lines and errors show progress; BENCH lines go
	# to the results
	"$H"/boot.sh "$run/bench.job" | grep --line-buffered -E '^# (error|[a-z]+:)' |
		sed -u 's/^/  /'
	# the boot's own status; the pipeline's is grep's
	rc=$(kv_get "$run/bench.verdict" rc)
	tr -d '\r' < "$run/bench.out.log" > "$OUT/$name.out.log" 2>/dev/null
	cp "$run/bench.console.log" "$OUT/$name.console.log" 2>/dev/null
	if [ "$rc" = 126 ] && grep -q " - $CRASHED -\$" "$OUT/$name.out.log"; then
		# a measured outcome, in the report: the kernel oopsed in teardown
		warn "$name: the $k kernel oopsed in the teardown (recorded; ${OUT#$TOP/}/$name.console.log)"
	elif [ "$rc" != 0 ]; then
		warn "$name: the guest exited ${rc:-before its verdict} (see ${OUT#$TOP/}/$name.out.log)"
		bad=1
	fi
	rm -f "$disks"/*.img "$run"/*.initrd
	mode=${m#memmap-}	# memmap boots: the namespace size
	awk -v k="$k" -v m="$mode" -v fs="$fs" -v c="$clock" '$1 == "BENCH" {
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, m, fs, $2, $3, $4, $5, $6, c }' \
		"$OUT/$name.out.log" >> "$results"
done < <(boots)
msg "bench: $total boots in $(( ($(date +%s) - start) / 60 )) min; results in ${results#$TOP/}"
# the settings of the jobs that ran, for the report
for key in accel smp mem nvdimms nvdimm_size clock persistence timeout append qemu; do
	vals=$(cat "$OUT"/*.job 2>/dev/null | sed -n "s/^$key=//p" | sort -u | paste -sd, -)
	echo "job $key: ${vals:-(none)}"
done >> "$OUT/machine.txt"

"$H"/report.sh "$OUT" "$DOCS" || bad=1
exit $bad
