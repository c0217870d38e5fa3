#!/usr/bin/env bash
# harness.sh: the harness itself, without a kernel.  Prints TAP lines.
. "$(dirname "$0")/../../harness/lib.sh"
. "$(dirname "$0")/tap.bash"
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$TOP"/harness/*.sh "$TOP"/tests/host/*.sh "$TOP"/.ci/run; do
	t "bash -n ${f#$TOP/}" bash -n "$f"
done
if command -v busybox >/dev/null; then
	for f in "$TOP"/guest/init "$TOP"/guest/*.sh "$TOP"/tests/guest/*.sh "$TOP"/tests/bench/*.sh "$TOP"/examples/*.sh; do
		t "busybox sh -n ${f#$TOP/}" busybox sh -n "$f"
	done
else
	echo "ok - guest scripts parse # SKIP busybox not installed (make deps)"
fi
for f in "$TOP"/tests/progs/*.c; do
	t "gcc -Wall -Wextra -Werror -static ${f#$TOP/}" \
		gcc -static -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$tmp/prog" "$f" -lpthread
done

# Every line of a config fragment is a comment, "CONFIG_X=value" or
# "# CONFIG_X is not set".
frag_ok() {
	! grep -vE '^(#.*|CONFIG_[A-Z0-9_]+=.+|# CONFIG_[A-Z0-9_]+ is not set|)$' "$1"
}
for f in "$TOP"/config/*.config; do
	t "config fragment ${f#$TOP/} is well-formed" frag_ok "$f"
done

# The base stage refuses a tree that is not the pinned version ...
mkdir -p "$tmp/linux-$LINUX_VERSION"
printf 'VERSION = 4\nPATCHLEVEL = 4\nSUBLEVEL = 177\nEXTRAVERSION =\n' > "$tmp/linux-$LINUX_VERSION/Makefile"
tar -C "$tmp" -cJf "$tmp/wrong.tar.xz" "linux-$LINUX_VERSION"
wrong_refused() {
	! LINUX_TARBALL=$tmp/wrong.tar.xz "$TOP/harness/base.sh" extract "$tmp/out" 2>"$tmp/err" &&
		grep -q "is Linux 4.4.177, not $LINUX_VERSION" "$tmp/err" && [ ! -e "$tmp/out" ]
}
t "base: a tarball of another version (4.4.177) is refused" wrong_refused

# ... and, with no tarball and no network, fails fast and says what to do.
fails_fast() {
	local s=$SECONDS
	! DAX_GUP_CACHE=$tmp/cache LINUX_TARBALL= LINUX_URL=http://127.0.0.1:9/linux.tar.xz \
		"$TOP/harness/base.sh" tarball 2>"$tmp/err" >/dev/null &&
		grep -q 'stage-base' "$tmp/err" && grep -q 'LINUX_TARBALL' "$tmp/err" &&
		[ $((SECONDS - s)) -lt 30 ]
}
t "base: no tarball and no network fails fast, naming the fix" fails_fast

# Bad variables are errors, not surprises.
bad_kernel() {
	! KERNEL=nope "$TOP/harness/kernel.sh" config 2>"$tmp/err" &&
		grep -q "KERNEL must be 'series', 'base' or 'reference'" "$tmp/err"
}
t "kernel: KERNEL=nope is refused" bad_kernel

bad_robot_config() {
	! ROBOT_CONFIG=tiny "$TOP/harness/robot.sh" 2>"$tmp/err" >/dev/null &&
		grep -q "unknown ROBOT_CONFIG 'tiny': defconfig (the default) or small" "$tmp/err"
}
t "robot: ROBOT_CONFIG=tiny is refused, naming the choices" bad_robot_config

# The benchmarks refuse bad input before they build or boot anything.
bench_refuses() {	# EXPECTED-ERROR VAR=VALUE...
	local want=$1
	shift
	! env "$@" "$TOP/harness/bench.sh" >/dev/null 2>"$tmp/err" && grep -q "$want" "$tmp/err"
}
t "bench: RUNS=0 is refused" bench_refuses "RUNS must be a positive number" RUNS=0
t "bench: an unknown workload is refused" bench_refuses "unknown workload 'nope'" WORKLOADS=nope
t "bench: an unknown clock is refused" bench_refuses "unknown clock 'nope'" CLOCKS=nope

# A job file is the one contract of a boot: every key, defaults filled,
# bad values refused with the key's meaning.
job_refuses() {	# EXPECTED-ERROR KEY=VALUE...
	local want=$1
	shift
	! "$TOP/harness/job.sh" "$tmp/bad.job" "$@" 2>"$tmp/err" && grep -qF "$want" "$tmp/err" &&
		[ ! -e "$tmp/bad.job" ] && [ ! -e "$tmp/bad.job.tmp" ]
}
t "job: an unknown key is refused" job_refuses "unknown key 'memory'" memory=2G
t "job: a bad mode is refused" job_refuses "mode=pfn is not valid" mode=pfn
t "job: a bad size is refused" job_refuses "nvdimm_size=big is not valid" nvdimm_size=big
t "job: a newline in a value is refused" job_refuses "args holds a newline" args="$(printf 'a\nb')"
t "job: the reference kernel has no debug flavor" job_refuses "no debug flavor" kernel=reference debug=1
t "job: a bad machine is refused" job_refuses "machine=virt is not valid: machine is pc or q35" machine=virt
t "job: a bad persistence is refused" job_refuses "persistence=dimm is not valid: persistence is none, cpu or mem-ctrl" persistence=dimm
job_complete() {
	"$TOP/harness/job.sh" "$tmp/ok.job" mode=raw args='a "b c"' &&
		[ "$(wc -l < "$tmp/ok.job")" = 22 ] && grep -qx 'mode=raw' "$tmp/ok.job" &&
		grep -qx 'args=a "b c"' "$tmp/ok.job" && grep -qx 'mem=2G' "$tmp/ok.job" &&
		grep -qx 'machine=pc' "$tmp/ok.job" && grep -qx 'persistence=none' "$tmp/ok.job"
}
t "job: every key is written, the given ones and defaults" job_complete
no_job() { ! "$TOP/harness/boot.sh" "$tmp/none.job" 2>"$tmp/err" && grep -q 'harness/job.sh' "$tmp/err"; }
t "boot: no job file is an error that names job.sh" no_job

# The case registry: every guest test declares cases, named after it.
registry_ok() {
	local f stem
	"$TOP/harness/cases.sh" > "$tmp/cases" || return 1
	for f in "$TOP"/tests/guest/*.sh; do
		stem=$(basename "$f" .sh)
		grep -q "^[^|]*|$stem.sh|" "$tmp/cases" || { echo "$stem.sh declares no case"; return 1; }
	done
	for k in series base; do
		"$TOP/harness/cases.sh" $k | cut -d'|' -f1 | sort | uniq -d | grep . &&
			{ echo "a case is declared twice for $k"; return 1; }
	done
	return 0
}
t "cases: every tests/guest file declares its cases, each once per kernel" registry_ok
cases_fixture() {
	mkdir -p "$tmp/g"
	printf '# @case demo-a x y kernels=series nvdimms=2\n# @case demo-a z kernels=base\n# @todo base a reason\n' > "$tmp/g/demo.sh"
	[ "$("$TOP/harness/cases.sh" series "$tmp/g")" = "demo-a|demo.sh|nvdimms=2|x y|" ] &&
	[ "$("$TOP/harness/cases.sh" base "$tmp/g")" = "demo-a|demo.sh||z|a reason" ] &&
	printf '# @case other\n' > "$tmp/g/demo.sh" &&
	! "$TOP/harness/cases.sh" series "$tmp/g" 2>"$tmp/err" && grep -q 'does not start with the file name' "$tmp/err" &&
	printf '# @case demo-b memory=2G\n' > "$tmp/g/demo.sh" &&
	! "$TOP/harness/cases.sh" series "$tmp/g" 2>"$tmp/err" && grep -q 'unknown key in memory=2G' "$tmp/err"
}
t "cases: kernels, settings, arguments and TODO from a header; bad headers refused" cases_fixture

# The report: medians, min and max, ratios and target marks, from a
# results file whose answers are known; then with icount runs (a 9th
# column), which add the spread by clock and change no other table.
report_results() {	# 8 columns: every run is a wall-clock run
	printf 'kernel\tmode\tfs\tworkload\tvariant\trun\tvalue\tunit\n'
	for r in 1 2 3; do printf 'series\tpfn-ram\text4\tstream\tfio-anon-read-64k\t%s\t100\tMiB/s\n' $r; done
	# per-run DAX/anonymous: 2.0, 0.99, 0.5; median 0.99, spread 151.5%
	printf 'series\tpfn-ram\text4\tstream\tfio-dax-read-64k\t%s\t%s\tMiB/s\n' 1 200 2 99 3 50
	printf 'series\tpfn-ram\text4\tstream\tfio-anon-write-64k\t1\t100\tMiB/s\n'
	printf 'series\tpfn-ram\text4\tstream\tfio-dax-write-64k\t1\t90\tMiB/s\n'
	printf 'reference\tpfn-ram\text4\tstream\tfio-anon-read-64k\t1\t100\tMiB/s\n'
	printf 'reference\tpfn-ram\text4\tstream\tfio-dax-read-64k\t1\t100\tMiB/s\n'
	printf 'base\tpfn-ram\text4\tstream\tfio-dax-read-64k\t-\tefault\t-\n'
	printf 'series\t4G\t-\tmemmap\tram\t1\t65536\tKiB\n'
	printf 'series\t4G\t-\tmemmap\tpmem\t1\t16\tKiB\n'
	printf 'base\t4G\t-\tmemmap\tram\t1\t65536\tKiB\n'
	printf 'base\t4G\t-\tmemmap\tpmem\t-\tunsupported\t-\n'
}
report_icount() {	# 9 columns, clock icount
	# per-run DAX/anonymous: 0.96, 0.97, 0.98; median 0.97, spread 2.1%
	printf 'series\tpfn-ram\text4\tstream\tfio-anon-read-64k\t%s\t100\tMiB/s\ticount\n' 1 2 3
	printf 'series\tpfn-ram\text4\tstream\tfio-dax-read-64k\t%s\t%s\tMiB/s\ticount\n' 1 96 2 97 3 98
	# a cell with icount runs only: 0.9
	printf 'reference\tpfn-ram\text4\tpinrate\t%s\t1\t%s\tIOPS\ticount\n' anon 1000 dax 900
}
# report_tables REPORT: REPORT without what a clock adds: the "Clock:"
# paragraph and the section "Repeat spread by clock mode"
report_tables() {
	sed '/^Clock: /,/^$/d; /^## Repeat spread by clock mode/,/^## All measurements/{/^## All/!d}' "$1"
}
report_fixture() {
	local b=$tmp/bench d=$tmp/docs
	mkdir -p "$b"
	report_results > "$b/results.tsv"
	"$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" || return 1
	grep -qxF "$(printf 'series\tpfn-ram\text4\tstream\tfio-dax-read-64k\t3\t99\t50\t200\tMiB/s\twall')" \
		"$b/summary.tsv" &&
	grep -qxF "$(printf 'series\tpfn-ram\text4\tstream\tratio:fio-dax-read-64k\t3\t0.9900\t0.5000\t2.0000\tratio\twall')" \
		"$b/summary.tsv" &&
	grep -qxF "$(printf 'base\tpfn-ram\text4\tstream\tfio-dax-read-64k\t0\tefault\t-\t-\t-\twall')" \
		"$b/summary.tsv" &&
	grep -qF '| series | pfn-ram | ext4 | fio | 0.990 | 0.900 **miss** | n/a | n/a |' "$d/report.md" &&
	grep -qF '| pfn-ram | ext4 | fio | 0.990 **miss** |' "$d/report.md" &&
	grep -qF '| series | 4G | 65536 | 16 | 0.000 |' "$d/report.md" &&
	grep -qF '| base | 4G | 65536 | unsupported | n/a |' "$d/report.md" &&
	grep -qF 'Targets: 2 met, 2 missed' "$d/report.md" &&
	grep -qx 'No icount rows in these results: .*' "$d/report.md" &&
	! grep -q '^Clock: ' "$d/report.md" &&
	# each chart: medians, with the runs' min and max as error bars
	grep -qx 'series/pfn-ram/ext4 0.99 0.5 2 0.9 0.9 0.9 0 0 0 0 0 0' "$b/stream-ratio.dat" &&
	grep -qF "using 2:3:4:xtic(1) title 'read 64K', '' using 5:6:7 title 'write 64K'" "$b/stream-ratio.gp" &&
	grep -qx 'set arrow from graph 0, first 0.97 to .*' "$b/stream-ratio.gp" &&
	[ -z "$(grep -L '^set style histogram errorbars' "$b"/*.gp)" ] &&
	[ -s "$d/stream-ratio.png" ] || return 1

	cp "$d/report.md" "$tmp/wall.md"
	report_icount >> "$b/results.tsv"
	"$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" || return 1
	grep -qxF "$(printf 'series\tpfn-ram\text4\tstream\tratio:fio-dax-read-64k\t3\t0.9700\t0.9600\t0.9800\tratio\ticount')" \
		"$b/summary.tsv" &&
	diff <(report_tables "$tmp/wall.md") <(report_tables "$d/report.md") &&
	grep -q '^Clock: wall\. ' "$d/report.md" &&
	grep -qF '| series | pfn-ram | ext4 | stream | fio-dax-read-64k | 3 | 0.990 | 0.500 | 2.000 | 151.5% | 3 | 0.970 | 0.960 | 0.980 | 2.1% |' "$d/report.md" &&
	grep -qF '| series | pfn-ram | ext4 | stream | fio-dax-write-64k | 1 | 0.900 | 0.900 | 0.900 | 0.0% | 0 | n/a | n/a | n/a | n/a |' "$d/report.md" &&
	grep -qF '| reference | pfn-ram | ext4 | pinrate | dax | 0 | n/a | n/a | n/a | n/a | 1 | 0.900 | 0.900 | 0.900 | 0.0% |' "$d/report.md" &&
	[ "$(sed -n '/^## Repeat spread/,/^## All/p' "$d/report.md" | grep -c '^| [a-z]* | pfn-ram ')" = 4 ]
}
# Runs with icount only: the same tables, labelled; a bad clock is refused;
# a threshold is one line of targets.tsv.
report_clocks_targets() {
	local b=$tmp/bench2 d=$tmp/docs2
	mkdir -p "$b"
	report_results > "$b/results.tsv"
	"$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" && cp "$d/report.md" "$tmp/wall2.md" &&
	report_results | sed '1s/$/\tclock/; 2,$s/$/\ticount/' > "$b/results.tsv" &&
	"$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" &&
	diff <(report_tables "$tmp/wall2.md") <(report_tables "$d/report.md") &&
	grep -q '^Clock: icount\. ' "$d/report.md" &&
	grep -qF "[clock: icount]'" "$b/stream-ratio.gp" || return 1

	printf 'series\t4G\t-\tmemmap\tram\t2\t65536\tKiB\ttsc\n' >> "$b/results.tsv"
	! "$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" && grep -q "clock 'tsc' is neither wall nor icount" "$tmp/err" &&
	report_results > "$b/results.tsv" &&
	sed 's/^\(stream-dax\t.*\t\)>=0.97\t/\1>=0.85\t/' "$TOP/harness/targets.tsv" > "$tmp/targets.tsv" &&
	BENCH_TARGETS=$tmp/targets.tsv "$TOP/harness/report.sh" "$b" "$d" 2>"$tmp/err" &&
	grep -qF '| series | pfn-ram | ext4 | fio | 0.990 | 0.900 | n/a | n/a |' "$d/report.md" &&
	grep -qF 'Targets: 3 met, 1 missed' "$d/report.md" &&
	grep -qx 'set arrow from graph 0, first 0.85 to .*' "$b/stream-ratio.gp"
}
if command -v gnuplot >/dev/null; then
	t "report: medians, ratios, target marks and spread by clock from known results" report_fixture
	t "report: icount-only runs, a bad clock, a threshold from targets.tsv" report_clocks_targets
else
	for name in "report: medians, ratios, target marks and spread by clock from known results" \
		"report: icount-only runs, a bad clock, a threshold from targets.tsv"; do
		echo "ok - $name # SKIP gnuplot not installed (harness/deps.sh bench)"
	done
fi

# The suite's TAP: numbering, TODO marks with their reason, the summary.
tap_relay() {
	(
		. "$TOP/harness/tap.sh"
		relay "k: case: " "a reason: two words" \
			< <(printf 'ok - a\nnot ok - b # exit 1\nok - c # SKIP no device\n# note\n')
		tap ok "d"
		tap "not ok" "e" "wrong"
		tap_summary 7
	) > "$tmp/tap"
	diff -u - "$tmp/tap" <<-'EOF'
	ok 1 - k: case: a # TODO a reason: two words
	not ok 2 - k: case: b # TODO a reason: two words (exit 1)
	ok 3 - k: case: c # SKIP no device
	# note
	ok 4 - d
	not ok 5 - e # wrong
	1..5
	# 2 TODO (expected failures, counted as skipped); 7s in all
	1 passed, 1 failed, 3 skipped
	EOF
}
t "tap: relay numbers a guest's lines, marks TODOs with their reason, and the summary counts" tap_relay

# drop_disks: a finished case's images go; a failed case's stay, but not
# under CI or KEEP_DISKS=0; KEEP_DISKS=1 keeps all.
disks_after() {
	local d=$tmp/disks
	rm -rf "$d" && mkdir -p "$d"
	touch "$d/nvdimm0.img" "$d/scratch.img" "$d/boot1.initrd" "$d/boot1.payload.cpio" "$d/boot1.out.log"
	(eval "$1"; drop_disks "$d" "$2")
	(cd "$d" && ls | tr '\n' ' ')
}
drop_disks_ok() {
	local all='boot1.initrd boot1.out.log boot1.payload.cpio nvdimm0.img scratch.img '
	[ "$(disks_after 'unset CI KEEP_DISKS' '')" = 'boot1.out.log ' ] &&
		[ "$(disks_after 'unset CI KEEP_DISKS' failed)" = "$all" ] &&
		[ "$(disks_after 'CI=true; unset KEEP_DISKS' failed)" = 'boot1.out.log ' ] &&
		[ "$(disks_after 'CI=true KEEP_DISKS=1' '')" = "$all" ] &&
		[ "$(disks_after 'unset CI; KEEP_DISKS=0' failed)" = 'boot1.out.log ' ]
}
t "drop_disks: a passed case's images go, a failed one's stay (not under CI), KEEP_DISKS overrides" drop_disks_ok

# make ndctl-test needs an ndctl tree with the tests built, and says so
# before it packs or boots anything
ndctl_refused() {
	! env -u NDCTL_BUILD "$TOP/harness/ndctl-test.sh" 2>"$tmp/err" &&
		grep -q "set NDCTL_BUILD to an ndctl v52 or v53 tree.*README" "$tmp/err" &&
		mkdir -p "$tmp/ndctl" &&
		! NDCTL_BUILD=$tmp/ndctl "$TOP/harness/ndctl-test.sh" 2>"$tmp/err" &&
		grep -q "has no built test/libndctl and ndctl: build ndctl's tests there first" "$tmp/err"
}
t "ndctl-test: no NDCTL_BUILD, or a tree without the built tests, is refused naming the fix" ndctl_refused
