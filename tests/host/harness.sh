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
	for f in "$TOP"/guest/init "$TOP"/guest/lib.sh "$TOP"/tests/guest/*.sh "$TOP"/tests/bench/*.sh "$TOP"/examples/*.sh; do
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

# The benchmarks refuse bad input before they build or boot anything.
bench_refuses() {	# EXPECTED-ERROR VAR=VALUE...
	local want=$1
	shift
	! env "$@" "$TOP/harness/bench.sh" >/dev/null 2>"$tmp/err" && grep -q "$want" "$tmp/err"
}
t "bench: RUNS=0 is refused" bench_refuses "RUNS must be a positive number" RUNS=0
t "bench: an unknown workload is refused" bench_refuses "unknown workload 'nope'" WORKLOADS=nope

# The report: medians, min and max, ratios and target marks, from a
# results file whose answers are known.
report_fixture() {
	local r=$tmp/bench/results.tsv
	mkdir -p "$tmp/bench"
	{
		printf 'kernel\tmode\tfs\tworkload\tvariant\trun\tvalue\tunit\n'
		for r in 1 2 3; do printf 'series\tpfn-ram\text4\tstream\tfio-anon-read-64k\t%s\t100\tMiB/s\n' $r; done
		# per-run DAX/anonymous: 2.0, 0.99, 0.5; median 0.99
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
	} > "$r"
	"$TOP/harness/report.sh" "$tmp/bench" "$tmp/docs" 2>"$tmp/err" || return 1
	grep -qxF "$(printf 'series\tpfn-ram\text4\tstream\tfio-dax-read-64k\t3\t99\t50\t200\tMiB/s')" \
		"$tmp/bench/summary.tsv" &&
	grep -qxF "$(printf 'series\tpfn-ram\text4\tstream\tratio:fio-dax-read-64k\t3\t0.9900\t0.5000\t2.0000\tratio')" \
		"$tmp/bench/summary.tsv" &&
	grep -qxF "$(printf 'base\tpfn-ram\text4\tstream\tfio-dax-read-64k\t0\tefault\t-\t-\t-')" \
		"$tmp/bench/summary.tsv" &&
	grep -qF '| series | pfn-ram | ext4 | fio | 0.990 | 0.900 **miss** | n/a | n/a |' "$tmp/docs/report.md" &&
	grep -qF '| pfn-ram | ext4 | fio | 0.990 **miss** |' "$tmp/docs/report.md" &&
	grep -qF '| series | 4G | 65536 | 16 | 0.000 |' "$tmp/docs/report.md" &&
	grep -qF '| base | 4G | 65536 | unsupported | n/a |' "$tmp/docs/report.md" &&
	grep -qF 'Targets: 2 met, 2 missed' "$tmp/docs/report.md" &&
	[ -s "$tmp/docs/stream-ratio.png" ]
}
if command -v gnuplot >/dev/null; then
	t "report: medians, ratios and target marks from known results" report_fixture
else
	echo "ok - report: medians, ratios and target marks from known results # SKIP gnuplot not installed (make deps; harness/deps.sh bench)"
fi
