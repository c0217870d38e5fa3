#!/usr/bin/env bash
# report.sh OUT [DOCS]: the benchmark report from OUT/results.tsv (bench.sh).
#
# results.tsv: kernel mode fs workload variant run value unit [clock].
# clock is "wall" (host time; also when the column is missing) or
# "icount" (QEMU -icount: the guest timed by its instructions).
#
# Writes OUT/summary.tsv, one line per measurement and clock:
#   kernel mode fs workload variant n median min max unit clock
# (clock last: columns 1-10 are those of the report's last table), with
# each run's DAX/anonymous ratio as variant "ratio:<DAX variant>".  Then
# DOCS/report.md and its plots DOCS/*.png (gnuplot; each plot's data and
# script in OUT/<plot>.dat and OUT/<plot>.gp).  DOCS defaults to
# docs/bench, the report the README links to.  DOCS/notes.md, if there,
# is the analysis of the latest run, written by hand; the report quotes
# it near the top.
#
# The tables and plots use the wall-clock lines, or the icount ones when
# there are no others; the section "Repeat spread by clock mode" compares
# the two.  The computing is in report.awk; the targets, the cells marked
# met or **miss**, in targets.tsv (BENCH_TARGETS: another file).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:?usage: report.sh OUT [DOCS]}
DOCS=${2:-$TOP/docs/bench}
AWK=$TOP/harness/report.awk
TARGETS=${BENCH_TARGETS:-$TOP/harness/targets.tsv}
need gnuplot gnuplot-nox
[ -s "$OUT/results.tsv" ] || die "no ${OUT#$TOP/}/results.tsv: run 'make bench'"
[ -r "$TARGETS" ] || die "no targets file $TARGETS"
mkdir -p "$DOCS"
summary=$OUT/summary.tsv
T=$'\t'
export LC_ALL=C		# one sort order, one decimal point

# --- summary --------------------------------------------------------------------
{
	printf 'kernel\tmode\tfs\tworkload\tvariant\tn\tmedian\tmin\tmax\tunit\tclock\n'
	awk -v stage=summary -v crashed="$CRASHED" -f "$AWK" "$OUT/results.tsv" |
		sort -t "$T" -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k11,11r
} > "$summary"

# the clock of the tables and plots: wall, unless there is none
clock=wall
grep -q "${T}wall\$" "$summary" || clock=icount
label=
[ "$clock" = wall ] || label=" [clock: $clock]"

# --- plots ----------------------------------------------------------------------
# chart NAME WORKLOAD SCALE TITLE YLABEL SETTINGS VARIANT LABEL...:
# DOCS/NAME.png, a clustered bar chart with a cluster per kernel/mode/fs:
# a bar for each VARIANT of WORKLOAD, its median times SCALE, and the
# min-max range of the runs as an error bar; none without data.
# SETTINGS: more gnuplot, or "".
chart() {
	local name=$1 w=$2 scale=$3 title=$4 ylabel=$5 settings=$6 vs='' plot='' col=2
	shift 6
	while [ $# -gt 0 ]; do	# columns median:min:max of each variant
		vs="$vs $1"
		if [ -z "$plot" ]; then
			plot="'$OUT/$name.dat' using 2:3:4:xtic(1) title '$2'"
		else
			plot="$plot, '' using $col:$((col + 1)):$((col + 2)) title '$2'"
		fi
		col=$((col + 3))
		shift 2
	done
	rm -f "$DOCS/$name.png" "$OUT/$name.gp"
	awk -v stage=columns -v clock="$clock" -v w="$w" -v scale="$scale" -v vs="$vs" \
		-v crashed="$CRASHED" -f "$AWK" "$summary" | sort > "$OUT/$name.dat"
	[ -s "$OUT/$name.dat" ] || return 0
	cat > "$OUT/$name.gp" <<-EOF
	set terminal pngcairo size 900,480 font ',10'
	set output '$DOCS/$name.png'
	set title '$title$label' noenhanced
	set ylabel '$ylabel'
	set yrange [0:*]
	set offsets 0, 0, graph 0.08, 0	# room above the highest error bar
	set style data histograms
	set style histogram errorbars gap 1 lw 1
	set errorbars lc 'black'
	set style fill solid 0.6
	set xtics rotate by -30 noenhanced
	set key tmargin center horizontal noenhanced
	$settings
	plot $plot
	EOF
	gnuplot "$OUT/$name.gp" || die "gnuplot failed on $name (script: $OUT/$name.gp)"
}

# threshold ID: the number in targets.tsv's threshold of target ID
threshold() {
	grep "^$1$T" "$TARGETS" | cut -f5 | tr -d '<>='
}
t=$(threshold stream-dax)
[ -n "$t" ] || die "no target stream-dax in $TARGETS"
chart stream-ratio stream 1 "Streaming, fio direct=1: DAX buffer / anonymous buffer (median of the runs, bars min to max; base: EFAULT)" ratio \
	"set arrow from graph 0, first $t to graph 1, first $t nohead dt 2" \
	ratio:fio-dax-read-64k "read 64K" ratio:fio-dax-write-64k "write 64K" \
	ratio:fio-dax-read-1m "read 1M" ratio:fio-dax-write-1m "write 1M"
chart stream-bounce stream 1 "Streaming (stream program), 1 MiB: DAX buffer vs bounce copy through anonymous memory, MiB/s (median, min to max)" MiB/s "" \
	prog-dax-read-1m "DAX read" prog-bounce-read-1m "bounce read" \
	prog-dax-write-1m "DAX write" prog-bounce-write-1m "bounce write"
chart pinrate pinrate 1 "Pin-rate: 4 KiB O_DIRECT reads from brd, IOPS (median, min to max)" IOPS "" \
	anon anonymous dax DAX
chart faults faults 1 "First touch of 1 GiB of a DAX mapping, seconds (median, min to max)" seconds "" \
	seconds-2m "2 MiB aligned (PMD)" seconds-4k "4 KiB aligned (PTE)" \
	seconds-user "user: fallocated, no hint"
chart fsync fsync 1 "Stores through a DAX mapping + fsync, microseconds per dirty page (median, min to max)" "µs/page" "" \
	memctrl-4k-fsync "4 KiB, mem-ctrl" cpu-4k-fsync "4 KiB, cpu" \
	memctrl-2m-fsync "2 MiB, mem-ctrl" cpu-2m-fsync "2 MiB, cpu"
chart teardown teardown 1000 "Teardown: pins released at once -> unbind done, ms (median, min to max)" ms "" \
	pinned-0 "no pins (unbind alone)" pinned-512 "512 pages" \
	pinned-16384 "16384 pages" pinned-262144 "262144 pages (1 GiB)"

# --- the Markdown report --------------------------------------------------------------
awk -v stage=markdown -v clock="$clock" -v targets="$TARGETS" -v machine="$OUT/machine.txt" \
	-v notes="$DOCS/notes.md" -v plots="$(cd "$DOCS" && ls -- *.png 2>/dev/null | tr '\n' ' ')" \
	-v crashed="$CRASHED" -f "$AWK" "$summary" > "$DOCS/report.md" || die "cannot write ${DOCS#$TOP/}/report.md"
msg "report: ${DOCS#$TOP/}/report.md, $(ls "$DOCS"/*.png 2>/dev/null | wc -l) plots ($clock clock); summary in ${summary#$TOP/}"
grep -E '^Targets:' "$DOCS/report.md" >&2
