# report.awk: the computing behind report.sh, in three stages chosen with
# -v stage=STAGE.  Input and output are tab-separated.
#
#   summary   results.tsv (kernel mode fs workload variant run value unit
#             [clock]) -> the lines of summary.tsv, unsorted, no header:
#             kernel mode fs workload variant n median min max unit clock.
#             A missing clock is "wall".  Each run's DAX/anonymous ratio
#             (same run, same clock) is one more measurement, variant
#             "ratio:<DAX variant>", unit "ratio".
#   columns   summary.tsv -> the data of one chart, unsorted: a line per
#             kernel/mode/fs with WORKLOAD, its name, then for each VARIANT
#             its median, min and max times SCALE (0 when not a number,
#             such as efault).  -v clock=C w=WORKLOAD scale=SCALE
#             vs="VARIANT...".
#   markdown  summary.tsv -> report.md.  -v clock=C (the clock of the
#             tables), targets=FILE (targets.tsv), machine=FILE,
#             notes=FILE, plots="NAME.png ...".
#
# A failure value (efault, unsupported, crashed: CRASHED of guest/markers.sh,
# passed as -v crashed) is counted apart: n is
# the number of numeric values, and a measurement with none has n 0, the
# failure as its median and "-" for min, max and unit.

BEGIN {
	FS = OFS = "\t"
	if (stage == "markdown")
		read_targets(targets)
	else if (stage != "summary" && stage != "columns")
		die("-v stage= must be summary, columns or markdown, not '" stage "'")
}
stage == "summary" && FNR > 1 { summary_row() }
stage == "columns" && FNR > 1 { columns_row() }
stage == "markdown" && FNR > 1 { markdown_row() }
END {
	if (failed)
		exit 1
	if (stage == "summary") summary_end()
	if (stage == "columns") columns_end()
	if (stage == "markdown") markdown_end()
	if (failed)
		exit 1
}

function die(m) {
	printf "error: report.awk: %s\n", m > "/dev/stderr"
	failed = 1
	exit 1
}
function failure(x) { return x == "efault" || x == "unsupported" || x == crashed }
function num(x) { return x != "" && !failure(x) }
# med_or_na(K, V): the median of variant V of K, "n/a" without one
function med_or_na(k, v) { return ((k, v) in med) ? med[k, v] : "n/a" }
function fmt(x) { return x == "" ? "n/a" : failure(x) ? x : sprintf("%.3f", x) }
# r(A, B): A / B, "efault" if A is, "" if there is no quotient
function r(a, b) { return (num(a) && num(b) && b > 0) ? a / b : (a == "efault" ? "efault" : "") }

# --- summary ------------------------------------------------------------------
function summary_row(   c, key) {
	c = NF >= 9 && $9 != "" ? $9 : "wall"
	if (c != "wall" && c != "icount")
		die("results.tsv line " FNR ": clock '" c "' is neither wall nor icount")
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5 SUBSEP c
	measure(key, $7, $8)
	runval[key, $6] = $7
}
# measure(KEY, VALUE, UNIT): one value of the measurement KEY
function measure(key, x, u) {
	groups[key] = 1
	if (failure(x)) {
		failed_as[key] = x
		return
	}
	nval[key]++
	vals[key, nval[key]] = x
	units[key] = u
}
# anon_of(WORKLOAD, VARIANT): the anonymous variant a DAX variant is paired
# with in each run, or "" for none
function anon_of(w, v,   a) {
	if (w == "stream" && v ~ /-dax-/) {
		a = v
		sub(/-dax-/, "-anon-", a)
		return a
	}
	# fsync: a mem-ctrl boot's run against the same run of the cpu boot
	if (w == "fsync" && v ~ /^memctrl-.*-(fsync|none)$/) {
		a = v
		sub(/^memctrl-/, "cpu-", a)
		return a
	}
	return w == "pinrate" && v == "dax" ? "anon" : ""
}
function summary_end(   k, f, a, ka, key, n, i, j, x) {
	# paired: both values come from the same run of the same boot, so the
	# median of these ratios is steadier than the ratio of the medians
	# under TCG's drift
	for (k in runval) {
		split(k, f, SUBSEP)	# kernel mode fs workload variant clock run
		if ((a = anon_of(f[4], f[5])) == "")
			continue
		ka = f[1] SUBSEP f[2] SUBSEP f[3] SUBSEP f[4] SUBSEP a SUBSEP f[6] SUBSEP f[7]
		if (!(ka in runval) || runval[ka] + 0 <= 0 || runval[k] + 0 <= 0)
			continue
		measure(f[1] SUBSEP f[2] SUBSEP f[3] SUBSEP f[4] SUBSEP "ratio:" f[5] SUBSEP f[6],
			sprintf("%.4f", runval[k] / runval[ka]), "ratio")
	}
	for (key in groups) {
		split(key, f, SUBSEP)
		if ((n = nval[key] + 0) == 0) {
			print f[1], f[2], f[3], f[4], f[5], 0, failed_as[key], "-", "-", "-", f[6]
			continue
		}
		for (i = 2; i <= n; i++) {	# insertion sort, by value
			x = vals[key, i]
			for (j = i - 1; j >= 1 && vals[key, j] + 0 > x + 0; j--)
				vals[key, j + 1] = vals[key, j]
			vals[key, j + 1] = x
		}
		print f[1], f[2], f[3], f[4], f[5], n,
			(n % 2 ? vals[key, (n + 1) / 2] : (vals[key, n / 2] + vals[key, n / 2 + 1]) / 2),
			vals[key, 1], vals[key, n], units[key], f[6]
	}
}

# --- columns: one chart's data --------------------------------------------------
function columns_row(   g) {
	if ($11 != clock || $4 != w)
		return
	g = $1 "/" $2 "/" $3
	chart[g] = 1
	cmed[g, $5] = $7; cmin[g, $5] = $8; cmax[g, $5] = $9
}
function scaled(x) { return x ~ /^-?[0-9.]+$/ ? x * scale : 0 }
function columns_end(   n, v, g, i) {
	n = split(vs, v, " ")
	for (g in chart) {
		printf "%s", g
		for (i = 1; i <= n; i++)
			printf " %s %s %s", scaled(cmed[g, v[i]]), scaled(cmin[g, v[i]]), scaled(cmax[g, v[i]])
		printf "\n"
	}
}

# --- markdown: the report -----------------------------------------------------------
# read_targets(FILE): targets.tsv (see its header) into tkernel[ID],
# top[ID] (>=, >, <=, <), tval[ID] and ttext[ID]
function read_targets(file,   l, nl, n, f, rc) {
	while ((rc = (getline l < file)) > 0) {
		nl++
		if (l ~ /^#/ || l ~ /^[ \t]*$/)
			continue
		n = split(l, f, "\t")
		if (n != 6 || f[5] !~ /^(>=|>|<=|<)-?[0-9.]+$/)
			die(file ":" nl ": not id, kernel, workload, compared, threshold (>=X or <X), text")
		if (f[1] in ttext)
			die(file ":" nl ": target '" f[1] "' twice")
		tkernel[f[1]] = f[2]
		match(f[5], /^[<>]=?/)
		top[f[1]] = substr(f[5], 1, RLENGTH)
		tval[f[1]] = substr(f[5], RLENGTH + 1) + 0
		ttext[f[1]] = f[6]
		if (!(f[2] in tkernels)) {
			tkernels[f[2]] = 1
			target_kernels = target_kernels (target_kernels == "" ? "" : " and ") f[2]
		}
	}
	if (rc < 0)
		die("cannot read the targets, '" file "'")
	close(file)
}
# target(ID): the target's text for the prose
function target(id) {
	if (!(id in ttext))
		die("no target '" id "' in " targets)
	used[id] = 1
	return ttext[id]
}
# marked(X, ID, KERNEL): X formatted and, if target ID is KERNEL's, counted
# as met or missed; a miss is marked **miss**
function marked(x, id, kernel,   s, t, op, ok) {
	target(id)
	s = fmt(x)
	if (!num(x) || kernel != tkernel[id])
		return s
	t = tval[id]; op = top[id]; x += 0
	ok = op == ">=" ? x >= t : op == ">" ? x > t : op == "<=" ? x <= t : x < t
	if (ok)
		hits++
	else {
		misses++
		s = s " **miss**"
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
# ratio K M FS W V: the median of the runs' paired DAX/anonymous ratios
# ("efault" if the DAX variant failed so)
function ratio(k, m, fs, w, v) {
	if ((k, m, fs, w, "ratio:" v) in med)
		return med[k, m, fs, w, "ratio:" v]
	return med[k, m, fs, w, v] == "efault" ? "efault" : ""
}
# waited K: did the unbind wait for the pins in every run with pins?
function waited(k,   w) {
	if (!((k, "waited-512") in lo))
		return "n/a"
	w = lo[k, "waited-512"] + lo[k, "waited-16384"] + lo[k, "waited-262144"]
	return w == 3 ? "yes, every run" : "**not always**"
}
function plot(name, title) {
	if (index(" " plots, " " name ".png "))
		printf "![%s](%s.png)\n\n", title, name
}
function markdown_row(   key) {
	if ($11 == "icount")
		icount_rows++
	if ($5 ~ /^ratio:/) {	# for the spread by clock
		key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
		if (!(key in spread_cell)) {
			spread_cell[key] = 1
			spread_list[++nspread] = key
		}
		sn[key, $11] = $6; smed[key, $11] = $7; smin[key, $11] = $8; smax[key, $11] = $9
	}
	if ($11 != clock)
		return
	med[$1, $2, $3, $4, $5] = $7; lo[$1, $2, $3, $4, $5] = $8; hi[$1, $2, $3, $4, $5] = $9
	nrun[$1, $2, $3, $4, $5] = $6; unit[$1, $2, $3, $4, $5] = $10
	if (!($1 in ks)) { ks[$1] = 1; kl[++nk] = $1 }
	if ($4 != "memmap" && !(($1, $2, $3) in cs)) { cs[$1, $2, $3] = 1; cl[++nc] = $1 SUBSEP $2 SUBSEP $3 }
	line[++nl] = $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 "\t" $8 "\t" $9 "\t" $10
}
# spread(KEY, CLOCK): n, median, min, max and (max - min) / median of a
# ratio cell under CLOCK, as table cells
function spread(key, c,   m) {
	if (!((key, c) in sn))
		return " 0 | n/a | n/a | n/a | n/a |"
	m = smed[key, c]
	return sprintf(" %s | %s | %s | %s | %s |", sn[key, c], fmt(m), fmt(smin[key, c]), fmt(smax[key, c]),
		num(m) && m > 0 ? sprintf("%.1f%%", (smax[key, c] - smin[key, c]) / m * 100) : "n/a")
}
function markdown_end(   nb, bs, l, i, c, t, tool, b, d, a, s, p, k, f2, f4, z, sz, x, bi, j, f, id) {
	nb = split("read-64k write-64k read-1m write-1m", bs, " ")
	print "# DAX-GUP benchmarks"
	print ""
	print "Written by `make bench` (harness/bench.sh, harness/report.sh). All figures come from one run on one QEMU guest under TCG. Absolute numbers under TCG mean little; compare the ratios, which come from the same run. Each figure is the median of the runs, with min and max in the last table."
	print ""
	if (clock == "icount") {
		print "Clock: icount. These results have no wall-clock runs: every figure and plot below times the guest by its instructions (QEMU -icount), not by the host's clock."
		print ""
	} else if (icount_rows) {
		print "Clock: wall. The tables and plots below come from the wall-clock runs (host time). The icount runs (QEMU -icount: guest instructions) are compared with them in \"Repeat spread by clock mode\", and are all in summary.tsv (column clock)."
		print ""
	}
	while ((getline l < machine) > 0) print "- " l
	print ""
	# the analysis, written by hand for the latest run: what the misses are
	if ((getline l < notes) > 0) {
		print "## What the figures say"
		print ""
		do print l; while ((getline l < notes) > 0)
		print ""
	}

	section("Streaming: DAX buffer / anonymous buffer", "O_DIRECT reads from and writes to the scratch disk (virtio-blk), 256 MiB per run. fio: `direct=1`, psync, `iomem=malloc` vs `iomem=mmapshared:` a file on the DAX mount. stream: tests/progs/stream.c, the same transfer into a 256 MiB anonymous or DAX buffer. Each cell: the median over the runs of DAX/anonymous within one run (min and max in the last table, variant ratio:...). Target on the " tkernel["stream-dax"] ": " target("stream-dax") ".", "kernel|memmap|fs|tool|read 64K|write 64K|read 1M|write 1M")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (c[1] == "base") continue
		for (t = 1; t <= 2; t++) {
			tool = t == 1 ? "fio" : "prog"
			printf "| %s | %s | %s | %s |", c[1], c[2], c[3], tool == "prog" ? "stream" : "fio"
			for (b = 1; b <= nb; b++)
				printf " %s |", marked(ratio(c[1], c[2], c[3], "stream", tool "-dax-" bs[b]), "stream-dax", c[1])
			print ""
		}
	}
	print ""
	section("Streaming: series vs reference, DAX/anonymous ratio of the series over that of the reference", "Same memmap location and filesystem. Target: " target("stream-ref") ".", "memmap|fs|tool|read 64K|write 64K|read 1M|write 1M")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (c[1] != tkernel["stream-ref"] || !(("reference", c[2], c[3]) in cs)) continue
		for (t = 1; t <= 2; t++) {
			tool = t == 1 ? "fio" : "prog"
			printf "| %s | %s | %s |", c[2], c[3], tool == "prog" ? "stream" : "fio"
			for (b = 1; b <= nb; b++)
				printf " %s |", marked(r(ratio(c[1], c[2], c[3], "stream", tool "-dax-" bs[b]),
					ratio("reference", c[2], c[3], "stream", tool "-dax-" bs[b])), "stream-ref", c[1])
			print ""
		}
	}
	print ""
	section("Streaming: series DAX buffer vs the base kernel's bounce copy", "On the base kernel O_DIRECT into a DAX mapping fails with EFAULT; users bounce through anonymous memory and memcpy (stream -m bounce). Ratio of the series' direct DAX transfer (stream -m dax) over the base's bounce, same filesystem, memmap in ram (the base has no other). In parentheses: the series' DAX over the series' own bounce, which takes the kernel difference out.", "series memmap|fs|read 64K|write 64K|read 1M|write 1M")
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

	section("Pin-rate: 4 KiB O_DIRECT reads from a brd ramdisk", "fio randread, psync, one 4 KiB buffer: anonymous, or a page of a DAX file; each run is anonymous, DAX, DAX, anonymous, 2 s each, and the IOPS are the means of each pair; the ratio is the median of the runs' DAX/anonymous. No device time: the rate is the syscall, get_user_pages() and the copy. Targets on the " tkernel["pinrate-dax"] ": " target("pinrate-dax") ", and " target("pinrate-ref") ".", "kernel|memmap|fs|anonymous IOPS|DAX IOPS|DAX/anonymous|vs reference ratio")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		if (!((c[1], c[2], c[3], "pinrate", "anon") in med)) continue
		a = med[c[1], c[2], c[3], "pinrate", "anon"]; d = med[c[1], c[2], c[3], "pinrate", "dax"]
		s = ratio(c[1], c[2], c[3], "pinrate", "dax")
		p = ""
		if (c[1] == tkernel["pinrate-ref"])
			p = marked(r(s, ratio("reference", c[2], c[3], "pinrate", "dax")), "pinrate-ref", c[1])
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", c[1], c[2], c[3], a, d, marked(s, "pinrate-dax", c[1]), p
	}
	print ""
	plot("pinrate", "pin-rate")

	section("Faults: first touch of 1 GiB, PMD vs PTE", "tests/progs/fault_touch.c writes a 1 GiB file, maps it shared 2 MiB aligned (PMDs possible) or 4 KiB past a 2 MiB boundary (PTEs only), and writes one byte per 4 KiB page. Faults: getrusage(); PMDs: the fs_dax tracepoint (series: dax_pmd_fault \"pmd\"; reference: dax_pmd_fault_done NOPAGE), n/a without one. \"Again\": a second touch, no faults, the TLB misses alone. \"User\": the file fallocated instead, and mapped with no address hint, as users map it: its PMDs need the kernel to choose an aligned address and the filesystem aligned extents, and its first touch also zeroes the blocks. Targets: " target("faults-fewer") ", and " target("faults-faster") ", with PMDs.", "kernel|memmap|fs|faults 2M / 4K|fewer faults|PMDs (of 512)|first touch 2M / 4K, s|faster|again 2M / 4K, s|user: faults|user: PMDs|user: first touch, s")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		k = c[1] SUBSEP c[2] SUBSEP c[3] SUBSEP "faults"
		f2 = med[k, "faults-2m"]; f4 = med[k, "faults-4k"]
		if (f2 == "") continue
		printf "| %s | %s | %s | %d / %d | %s | %s | %s / %s | %s | %s / %s | %s | %s | %s |\n", c[1], c[2], c[3], f2, f4,
			marked(r(f4, f2), "faults-fewer", c[1]), med_or_na(k, "pmds-2m"),
			med[k, "seconds-2m"], med[k, "seconds-4k"],
			marked(r(med[k, "seconds-4k"], med[k, "seconds-2m"]), "faults-faster", c[1]),
			med[k, "again-2m"], med[k, "again-4k"],
			med_or_na(k, "faults-user"), med_or_na(k, "pmds-user"),
			fmt(med[k, "seconds-user"])
	}
	print ""
	plot("faults", "faults")

	section("fsync: stores through a DAX mapping made durable", "tests/progs/fsync_bench.c stores 8 bytes into each of a dirty set, then fsyncs, for 1 s a run (FSYNC_SECONDS of tests/bench/io.sh): 256 pages 8 pages apart through 4 KiB PTEs, or the 512 pages of one 2 MiB PMD. One boot per NFIT persistence domain (QEMU nvdimm-persistence=): mem-ctrl, where fsync writes the cache lines back, and cpu, where it need not. Pages: written back per fsync (series: /proc/vmstat dax_writeback_pages, 0 with cpu; reference: fs_dax:dax_writeback_one pglen, entries cleaned, which it counts with cpu too), mem-ctrl. mem-ctrl/cpu: the median of the per-run ratios of microseconds per dirty page, with their min and max; stores only: the same stores without fsync, mem-ctrl. Targets on the " tkernel["fsync-ref"] ": " target("fsync-lines") ", and " target("fsync-ref") ".", "kernel|memmap|fs|dirty set|pages per fsync|vs reference|faults per round|mem-ctrl µs/page|cpu µs/page|mem-ctrl/cpu|min|max|vs reference|stores only µs/page")
	for (i = 1; i <= nc; i++) {
		split(cl[i], c, SUBSEP)
		k = c[1] SUBSEP c[2] SUBSEP c[3] SUBSEP "fsync"
		for (z = 1; z <= 2; z++) {
			sz = z == 1 ? "4k" : "2m"
			if (!((k, "memctrl-" sz "-fsync") in med)) continue
			x = med[k, "memctrl-" sz "-pages"]
			a = ratio(c[1], c[2], c[3], "fsync", "memctrl-" sz "-fsync")
			p = s = ""
			if (c[1] == tkernel["fsync-ref"])
				p = marked(r(a, ratio("reference", c[2], c[3], "fsync", "memctrl-" sz "-fsync")), "fsync-ref", c[1])
			if (c[1] == tkernel["fsync-lines"])
				s = marked(r(x, med["reference", c[2], c[3], "fsync", "memctrl-" sz "-pages"]), "fsync-lines", c[1])
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c[1], c[2], c[3],
				sz == "4k" ? "256 x 4 KiB" : "2 MiB PMD", fmt(x), s, med_or_na(k, "memctrl-" sz "-faults"),
				fmt(med[k, "memctrl-" sz "-fsync"]), fmt(med[k, "cpu-" sz "-fsync"]), fmt(a),
				fmt(lo[k, "ratio:memctrl-" sz "-fsync"]), fmt(hi[k, "ratio:memctrl-" sz "-fsync"]), p,
				fmt(med[k, "memctrl-" sz "-none"])
		}
	}
	print ""
	plot("fsync", "fsync")

	section("DRAM cost of the memmap", "The drop in MemFree (KiB, median of 3 readings with caches dropped, then the median of the runs) when namespace0.0 is enabled from disabled, memmap in ram vs on pmem. Target: " target("memmap-pmem") ".", "kernel|namespace|ram, KiB|pmem, KiB|pmem / ram")
	for (i = 1; i <= nk; i++)
		for (z = 1; z <= 2; z++) {
			sz = z == 1 ? "4G" : "16G"
			k = kl[i] SUBSEP sz SUBSEP "-" SUBSEP "memmap"
			if (!((k, "ram") in med)) continue
			x = r(med[k, "pmem"], med[k, "ram"])
			if (num(x) && x < 0)
				x = "below the noise of MemFree"
			else
				x = marked(x, "memmap-pmem", kl[i])
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
	section("Profile: calls per 4 KiB O_DIRECT read", "kprobe hit counts (tracing/kprobe_profile) over 20480 fio reads from brd, per read. get_user_pages_fast: the GUP fast path (upstream pins through its own entry, so 0 there); __get_user_pages: the slow path; get_dev_pagemap: the pagemap lookup; get/put_zone_device_page: the series' pagemap reference of a device page reference (not in upstream). A function a kernel lacks is not listed.", "kernel|memmap|fs|buffer|calls per read")
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
	printf "Targets: %d met, %d missed (the cells marked **miss**; the targets are those of the %s).\n\n", hits, misses, target_kernels
	for (id in ttext)
		if (!(id in used))
			printf "warning: report.awk: target '%s' of %s is not used in the report\n", id, targets > "/dev/stderr"

	if (!icount_rows) {
		print "## Repeat spread by clock mode"
		print ""
		print "No icount rows in these results: every run was timed by the host's clock (wall), so there is nothing to compare."
		print ""
	} else {
		section("Repeat spread by clock mode", "The per-run DAX/anonymous ratios of each cell (variant ratio:...) under each clock: wall, the host's time as in the tables above, and icount, QEMU -icount, which times the guest by its instructions. Spread: (max - min) / median; a difference smaller than the spread is not resolved by these runs.", "kernel|memmap|fs|workload|DAX variant|wall n|wall median|wall min|wall max|wall spread|icount n|icount median|icount min|icount max|icount spread")
		for (i = 1; i <= nspread; i++) {
			split(spread_list[i], c, SUBSEP)
			printf "| %s | %s | %s | %s | %s |%s%s\n", c[1], c[2], c[3], c[4], substr(c[5], 7),
				spread(spread_list[i], "wall"), spread(spread_list[i], "icount")
		}
		print ""
	}

	print "## All measurements"
	print ""
	print "| kernel | mode | fs | workload | variant | runs | median | min | max | unit |"
	print "|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nl; i++) {
		gsub("\t", " | ", line[i])
		print "| " line[i] " |"
	}
}
