#!/usr/bin/env bash
# report.sh OUT [DOCS]: the benchmark report from OUT/results.tsv (bench.sh).
#
# Writes OUT/summary.tsv (median, min and max of each measurement), and
# DOCS/report.md with its plots DOCS/*.png (gnuplot); DOCS defaults to
# docs/bench, the report the README links to.  DOCS/notes.md, if there,
# is the analysis of the latest run, written by hand; the report quotes
# it near the top.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${1:?usage: report.sh OUT [DOCS]}
DOCS=${2:-$TOP/docs/bench}
need gnuplot gnuplot-nox
[ -s "$OUT/results.tsv" ] || die "no ${OUT#$TOP/}/results.tsv: run 'make bench'"
mkdir -p "$DOCS"
summary=$OUT/summary.tsv
T=$'\t'

# --- summary: one line per kernel, mode, fs, workload and variant -----------
# paired: for each run, DAX over anonymous as variant "ratio:<DAX variant>".
# Both come from the same run of the same boot, so the median of these
# ratios is steadier than the ratio of the medians under TCG's drift.
paired() {
	tail -n +2 "$OUT/results.tsv" | awk -F'\t' -v OFS='\t' '
	{ val[$1, $2, $3, $4, $5, $6] = $7 }
	END {
		for (k in val) {
			split(k, f, SUBSEP)
			a = ""
			if (f[4] == "stream" && f[5] ~ /-dax-/) { a = f[5]; sub(/-dax-/, "-anon-", a) }
			if (f[4] == "pinrate" && f[5] == "dax") a = "anon"
			ka = f[1] SUBSEP f[2] SUBSEP f[3] SUBSEP f[4] SUBSEP a SUBSEP f[6]
			if (a == "" || !(ka in val) || val[ka] + 0 <= 0 || val[k] + 0 <= 0) continue
			printf "%s\t%s\t%s\t%s\tratio:%s\t%s\t%.4f\tratio\n", f[1], f[2], f[3], f[4], f[5], f[6], val[k] / val[ka]
		}
	}'
}
{
	printf 'kernel\tmode\tfs\tworkload\tvariant\tn\tmedian\tmin\tmax\tunit\n'
	{ tail -n +2 "$OUT/results.tsv"; paired; } |
		sort -t "$T" -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k7,7g |
		awk -F'\t' -v OFS='\t' '
		function flush() {
			if (prev == "")
				return
			if (n == 0)
				print prev, 0, mark, "-", "-", "-"
			else
				print prev, n, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[1], v[n], unit
		}
		{
			key = $1 OFS $2 OFS $3 OFS $4 OFS $5
			if (key != prev) { flush(); prev = key; n = 0; mark = "" }
			if ($7 == "efault" || $7 == "unsupported" || $7 == "crashed") { mark = $7; next }
			v[++n] = $7; unit = $8
		}
		END { flush() }'
} > "$summary"

# --- plots --------------------------------------------------------------------
# columns WORKLOAD SCALE VARIANT...: rows for a chart, one per kernel/mode/fs
# with WORKLOAD: its name, then each VARIANT's median times SCALE (0 when
# missing or not a number, such as efault)
columns() {
	local w=$1 scale=$2
	shift 2
	awk -F'\t' -v w="$w" -v scale="$scale" -v vs="$*" '
	NR > 1 && $4 == w { g[$1 "/" $2 "/" $3] = 1; med[$1 "/" $2 "/" $3, $5] = $7 }
	END {
		n = split(vs, v, " ")
		for (k in g) {
			printf "%s", k
			for (i = 1; i <= n; i++) {
				x = med[k, v[i]]
				printf " %s", x ~ /^-?[0-9.]+$/ ? x * scale : 0
			}
			printf "\n"
		}
	}' "$summary" | sort
}

# hist NAME TITLE YLABEL SETTINGS BAR-TITLE...: DOCS/NAME.png, a clustered
# bar chart of OUT/NAME.dat: column 1 names each group, columns 2... are
# its bars; none if the data are empty.  SETTINGS: more gnuplot, or "".
hist() {
	local name=$1 title=$2 ylabel=$3 settings=$4 col=2 plot= t
	shift 4
	rm -f "$DOCS/$name.png"
	[ -s "$OUT/$name.dat" ] || return 0
	for t in "$@"; do
		if [ $col = 2 ]; then
			plot="'$OUT/$name.dat' using 2:xtic(1) title '$t'"
		else
			plot="$plot, '' using $col title '$t'"
		fi
		col=$((col + 1))
	done
	gnuplot -e "set terminal pngcairo size 900,480 font ',10'; set output '$DOCS/$name.png';
		set title '$title'; set ylabel '$ylabel'; set yrange [0:*];
		set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8;
		set xtics rotate by -30 noenhanced; set key top left; $settings; plot $plot" ||
		die "gnuplot failed on $name"
}
columns stream 1 ratio:fio-dax-read-64k ratio:fio-dax-write-64k ratio:fio-dax-read-1m \
	ratio:fio-dax-write-1m > "$OUT/stream-ratio.dat"
hist stream-ratio "Streaming, fio direct=1: DAX buffer / anonymous buffer (median of the runs; base: EFAULT)" ratio \
	"set yrange [0:1.6]; set arrow from graph 0, first 0.97 to graph 1, first 0.97 nohead dt 2" \
	"read 64K" "write 64K" "read 1M" "write 1M"

columns stream 1 prog-dax-read-1m prog-bounce-read-1m prog-dax-write-1m prog-bounce-write-1m \
	> "$OUT/stream-bounce.dat"
hist stream-bounce "Streaming (stream program), 1 MiB: DAX buffer vs bounce copy through anonymous memory, MiB/s (median)" MiB/s "" \
	"DAX read" "bounce read" "DAX write" "bounce write"

columns pinrate 1 anon dax > "$OUT/pinrate.dat"
hist pinrate "Pin-rate: 4 KiB O_DIRECT reads from brd, IOPS (median)" IOPS "" anonymous DAX

columns faults 1 seconds-2m seconds-4k > "$OUT/faults.dat"
hist faults "First touch of 1 GiB of a DAX mapping, seconds (median)" seconds "" \
	"2 MiB aligned (PMD)" "4 KiB aligned (PTE)"

columns teardown 1000 pinned-0 pinned-512 pinned-16384 pinned-262144 > "$OUT/teardown.dat"
hist teardown "Teardown: pins released at once -> unbind done, ms (median)" ms "" \
	"no pins (unbind alone)" "512 pages" "16384 pages" "262144 pages (1 GiB)"

# --- the Markdown report --------------------------------------------------------
awk -F'\t' -v machine="$OUT/machine.txt" -v notes="$DOCS/notes.md" -v plots="$(cd "$DOCS" && ls -- *.png 2>/dev/null | tr '\n' ' ')" '
function fmt(x) { return x == "" ? "n/a" : (x == "efault" || x == "unsupported" || x == "crashed") ? x : sprintf("%.3f", x) }
function num(x) { return x != "" && x != "efault" && x != "unsupported" && x != "crashed" }
function r(a, b) { return (num(a) && num(b) && b > 0) ? a / b : (a == "efault" ? "efault" : "") }
function cell(x, target,   s) {
	s = fmt(x)
	if (num(x) && target != "") {
		s = s (x >= target ? "" : " **miss**")
		if (x < target) misses++; else hits++
	}
	return s
}
# section(TITLE, TEXT, COLUMNS): a heading, its text, and the header of
# its table; COLUMNS separated by "|"
function section(title, text, cols,   n, c, i) {
	printf "## %s\n\n%s\n\n|", title, text
	n = split(cols, c, "|")
	for (i = 1; i <= n; i++)
		printf " %s |", c[i]
	printf "\n|"
	for (i = 1; i <= n; i++)
		printf "---|"
	printf "\n"
}
# ratio K M FS W V: the median of the runs'"'"' paired DAX/anonymous ratios
# ("efault" if the DAX variant failed so)
function ratio(k, m, fs, w, v) {
	if ((k, m, fs, w, "ratio:" v) in med)
		return med[k, m, fs, w, "ratio:" v]
	return med[k, m, fs, w, v] == "efault" ? "efault" : ""
}
function cell_below(x, target,   s) {	# lower is better
	s = fmt(x)
	if (num(x)) {
		s = s (x < target ? "" : " **miss**")
		if (x < target) hits++; else misses++
	}
	return s
}
# waited K: did the unbind wait for the pins in every run with pins?
function waited(k,   w, n) {
	if (!((k, "waited-512") in lo))
		return "n/a"
	w = lo[k, "waited-512"] + lo[k, "waited-16384"] + lo[k, "waited-262144"]
	return w == 3 ? "yes, every run" : "**not always**"
}
function plot(name, title) {
	if (index(" " plots, " " name ".png "))
		printf "![%s](%s.png)\n\n", title, name
}
NR == 1 { next }
{
	med[$1, $2, $3, $4, $5] = $7; lo[$1, $2, $3, $4, $5] = $8; hi[$1, $2, $3, $4, $5] = $9
	nrun[$1, $2, $3, $4, $5] = $6; unit[$1, $2, $3, $4, $5] = $10
	if (!($1 in ks)) { ks[$1] = 1; kl[++nk] = $1 }
	if ($4 != "memmap" && !(($1, $2, $3) in cs)) { cs[$1, $2, $3] = 1; cl[++nc] = $1 SUBSEP $2 SUBSEP $3 }
	line[++nl] = $0
}
END {
	nb = split("read-64k write-64k read-1m write-1m", bs, " ")
	print "# DAX-GUP benchmarks"
	print ""
	print "Written by `make bench` (harness/bench.sh, harness/report.sh). All figures come from one run on one QEMU guest under TCG. Absolute numbers under TCG mean little; compare the ratios, which come from the same run. Each figure is the median of the runs, with min and max in the last table."
	print ""
	while ((getline l < machine) > 0) print "- " l
	print ""
	# the analysis, written by hand for the latest run: what the misses are
	if ((getline l < notes) > 0) {
		print "## What the figures say"
		print ""
		do print l; while ((getline l < notes) > 0)
		print ""
	}

	section("Streaming: DAX buffer / anonymous buffer", "O_DIRECT reads from and writes to the scratch disk (virtio-blk), 256 MiB per run. fio: `direct=1`, psync, `iomem=malloc` vs `iomem=mmapshared:` a file on the DAX mount. stream: tests/progs/stream.c, the same transfer into a 256 MiB anonymous or DAX buffer. Each cell: the median over the runs of DAX/anonymous within one run (min and max in the last table, variant ratio:...). Target on the series: at least 0.97.", "kernel|memmap|fs|tool|read 64K|write 64K|read 1M|write 1M")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (c[1] == "base") continue
		for (t = 1; t <= 2; t++) {
			tool = t == 1 ? "fio" : "prog"
			printf "| %s | %s | %s | %s |", c[1], c[2], c[3], tool == "prog" ? "stream" : "fio"
			for (b = 1; b <= nb; b++)
				printf " %s |", cell(ratio(c[1], c[2], c[3], "stream", tool "-dax-" bs[b]),
					c[1] == "series" ? 0.97 : "")
			print ""
		}
	}
	print ""
	section("Streaming: series vs reference, DAX/anonymous ratio of the series over that of the reference", "Same memmap location and filesystem. Target: at least 1.0 (parity).", "memmap|fs|tool|read 64K|write 64K|read 1M|write 1M")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (c[1] != "series" || !(("reference", c[2], c[3]) in cs)) continue
		for (t = 1; t <= 2; t++) {
			tool = t == 1 ? "fio" : "prog"
			printf "| %s | %s | %s |", c[2], c[3], tool == "prog" ? "stream" : "fio"
			for (b = 1; b <= nb; b++) {
				printf " %s |", cell(r(ratio("series", c[2], c[3], "stream", tool "-dax-" bs[b]),
					ratio("reference", c[2], c[3], "stream", tool "-dax-" bs[b])), 1.0)
			}
			print ""
		}
	}
	print ""
	section("Streaming: series DAX buffer vs the base kernel'"'"'s bounce copy", "On the base kernel O_DIRECT into a DAX mapping fails with EFAULT; users bounce through anonymous memory and memcpy (stream -m bounce). Ratio of the series'"'"' direct DAX transfer (stream -m dax) over the base'"'"'s bounce, same filesystem, memmap in ram (the base has no other). In parentheses: the series'"'"' DAX over the series'"'"' own bounce, which takes the kernel difference out.", "series memmap|fs|read 64K|write 64K|read 1M|write 1M")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (c[1] != "series") continue
		printf "| %s | %s |", c[2], c[3]
		for (b = 1; b <= nb; b++) {
			d = med["series", c[2], c[3], "stream", "prog-dax-" bs[b]]
			printf " %s (%s) |", fmt(r(d, med["base", "pfn-ram", c[3], "stream", "prog-bounce-" bs[b]])),
				fmt(r(d, med["series", c[2], c[3], "stream", "prog-bounce-" bs[b]]))
		}
		print ""
	}
	print ""
	plot("stream-ratio", "DAX/anonymous")
	plot("stream-bounce", "DAX vs bounce")

	section("Pin-rate: 4 KiB O_DIRECT reads from a brd ramdisk", "fio randread, psync, one 4 KiB buffer: anonymous, or a page of a DAX file; each run is anonymous, DAX, DAX, anonymous, 2 s each, and the IOPS are the means of each pair; the ratio is the median of the runs'"'"' DAX/anonymous. No device time: the rate is the syscall, get_user_pages() and the copy. Targets on the series: DAX/anonymous at least 0.97, and at least the reference'"'"'s ratio.", "kernel|memmap|fs|anonymous IOPS|DAX IOPS|DAX/anonymous|vs reference ratio")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (!((c[1], c[2], c[3], "pinrate", "anon") in med)) continue
		a = med[c[1], c[2], c[3], "pinrate", "anon"]; d = med[c[1], c[2], c[3], "pinrate", "dax"]
		s = ratio(c[1], c[2], c[3], "pinrate", "dax")
		p = ""
		if (c[1] == "series")
			p = cell(r(s, ratio("reference", c[2], c[3], "pinrate", "dax")), 1.0)
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", c[1], c[2], c[3], a, d,
			cell(s, c[1] == "series" ? 0.97 : ""), p
	}
	print ""
	plot("pinrate", "pin-rate")

	section("Faults: first touch of 1 GiB, PMD vs PTE", "tests/progs/fault_touch.c writes a 1 GiB file, maps it shared 2 MiB aligned (PMDs possible) or 4 KiB past a 2 MiB boundary (PTEs only), and writes one byte per 4 KiB page. Faults: getrusage(); PMDs: the fs_dax tracepoint (series: dax_pmd_fault \"pmd\"; reference: dax_pmd_fault_done NOPAGE), n/a without one. \"Again\": a second touch, no faults, the TLB misses alone. Targets: at least 10x fewer faults, and a faster first touch, with PMDs.", "kernel|memmap|fs|faults 2M / 4K|fewer faults|PMDs (of 512)|first touch 2M / 4K, s|faster|again 2M / 4K, s")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		k = c[1] SUBSEP c[2] SUBSEP c[3] SUBSEP "faults"
		f2 = med[k, "faults-2m"]; f4 = med[k, "faults-4k"]
		if (f2 == "") continue
		tgt = c[1] == "series" ? 10 : ""
		printf "| %s | %s | %s | %d / %d | %s | %s | %s / %s | %s | %s / %s |\n", c[1], c[2], c[3], f2, f4,
			cell(r(f4, f2), tgt), ((k, "pmds-2m") in med) ? med[k, "pmds-2m"] : "n/a",
			med[k, "seconds-2m"], med[k, "seconds-4k"],
			cell(r(med[k, "seconds-4k"], med[k, "seconds-2m"]), c[1] == "series" ? 1.0 : ""),
			med[k, "again-2m"], med[k, "again-4k"]
	}
	print ""
	plot("faults", "faults")

	section("DRAM cost of the memmap", "The drop in MemFree (KiB, median of 3 readings with caches dropped, then the median of the runs) when namespace0.0 is enabled from disabled, memmap in ram vs on pmem. Target: pmem under 1% of ram (0.010).", "kernel|namespace|ram, KiB|pmem, KiB|pmem / ram")
	for (i = 1; i <= nk; i++)
		for (z = 1; z <= 2; z++) {
			sz = z == 1 ? "4G" : "16G"
			k = kl[i] SUBSEP sz SUBSEP "-" SUBSEP "memmap"
			if (!((k, "ram") in med)) continue
			x = r(med[k, "pmem"], med[k, "ram"])
			if (num(x) && x < 0)
				x = "below the noise of MemFree"
			else
				x = kl[i] == "series" ? cell_below(x, 0.01) : fmt(x)
			printf "| %s | %s | %s | %s | %s |\n", kl[i], sz, med[k, "ram"], med[k, "pmem"], x
		}
	print ""

	section("Teardown with pinned pages", "tests/progs/pin_teardown.c pins N pages of a DAX file with vmsplice(), unmaps, closes and unmounts, starts the unbind of the namespace, and one second later closes the pipes: seconds from that release to the end of the unbind (N = 0: the unbind alone). Waited: the unbind was still blocked on the pins at the release (1 in every run).", "kernel|memmap|fs|N = 0|512|16384|262144|waited")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		k = c[1] SUBSEP c[2] SUBSEP c[3] SUBSEP "teardown"
		if (!((k, "pinned-0") in med)) continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c[1], c[2], c[3], fmt(med[k, "pinned-0"]),
			fmt(med[k, "pinned-512"]), fmt(med[k, "pinned-16384"]), fmt(med[k, "pinned-262144"]),
			waited(k)
	}
	print ""
	plot("teardown", "teardown")
	section("Profile: calls per 4 KiB O_DIRECT read", "kprobe hit counts (tracing/kprobe_profile) over 20480 fio reads from brd, per read. get_user_pages_fast: the GUP fast path (upstream pins through its own entry, so 0 there); __get_user_pages: the slow path; get_dev_pagemap: the pagemap lookup; get/put_zone_device_page: the series'"'"' pagemap reference of a device page reference (not in upstream). A function a kernel lacks is not listed.", "kernel|memmap|fs|buffer|calls per read")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		for (bi = 1; bi <= 2; bi++) {
			b = bi == 1 ? "anon" : "dax"
			s = ""
			for (j = 1; j <= nl; j++) {
				split(line[j], f, "\t")
				if (f[1] != c[1] || f[2] != c[2] || f[3] != c[3] || f[4] != "profile" || index(f[5], b ":") != 1)
					continue
				s = s (s == "" ? "" : ", ") substr(f[5], length(b) + 2) " " f[7]
			}
			if (s == "" && (c[1], c[2], c[3], "profile", b) in med)
				s = med[c[1], c[2], c[3], "profile", b]
			if (s != "")
				printf "| %s | %s | %s | %s | %s |\n", c[1], c[2], c[3], b, s
		}
	}
	print ""
	printf "Targets: %d met, %d missed (the cells marked **miss**; the targets are those of the series).\n\n", hits, misses

	print "## All measurements"
	print ""
	print "| kernel | mode | fs | workload | variant | runs | median | min | max | unit |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nl; i++) {
		gsub("\t", " | ", line[i])
		print "| " line[i] " |"
	}
}' "$summary" > "$DOCS/report.md"
msg "report: ${DOCS#$TOP/}/report.md, $(ls "$DOCS"/*.png | wc -l) plots; summary in ${summary#$TOP/}"
grep -E '^Targets:' "$DOCS/report.md" >&2
