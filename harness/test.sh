#!/usr/bin/env bash
# test.sh: the test suite.  Prints TAP and ends with one line,
# "N passed, N failed, N skipped".  Exit 0 when nothing failed.
#
#   1. host tests (tests/host/*.sh): need no kernel, always run;
#   2. the tree: build/linux from base + series/, re-export, checkpatch;
#   3. for each kernel in KERNELS (default "series base"): prepare it
#      (kernel.sh), then boot the guest for each case that the tests in
#      tests/guest declare for that kernel (cases.sh), a job per boot, and
#      read the case's TAP lines.
#
# Without a base tarball (and no network) stages 2 and 3 are skipped, each
# case by name, with the reason.  ONLY=host runs stage 1 alone.
# CASES (a glob) runs only the matching cases; DEBUG=1 the debug kernels.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-series base}
CASES=${CASES:-}
start_all=$(date +%s)
. "$TOP/harness/tap.sh"

# case_list KERNEL: set CASE_LIST to the cases of KERNEL that CASES
# selects, "NAME|FILE|SETTINGS|ARGS|REASON" lines (cases.sh), and
# guest-run for the series; or fail with a test line when a test's
# header is wrong.
case_list() {
	local all line
	CASE_LIST=
	if ! all=$("$TOP/harness/cases.sh" "$1" 2>&1); then
		echo "$all" | sed 's/^/#   /'
		tap "not ok" "$1: the cases that tests/guest declare" "a header is wrong"
		return 1
	fi
	[ "$1" = series ] && all+=$'\nguest-run||||'
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		[ -z "$CASES" ] || [[ ${line%%|*} == $CASES ]] || continue
		CASE_LIST+=$line$'\n'
	done <<< "$all"
}

# skip_kernel KERNEL REASON [built]: KERNEL's cases, by name, as skipped,
# and its build too unless "built" (it failed: that is its own line).
skip_kernel() {
	local name
	[ -n "${3:-}" ] || tap ok "$1: kernel build" "SKIP $2"
	case_list "$1" || return
	for name in $(printf '%s' "$CASE_LIST" | cut -d'|' -f1 | awk '!seen[$0]++'); do
		tap ok "$1: $name" "SKIP $2"
	done
}

# skip_all REASON: every stage that needs a kernel, as skipped.
skip_all() {
	local k
	tap ok "tree: build/linux from base + series/" "SKIP $1"
	for k in $KERNELS; do
		skip_kernel "$k" "$1"
	done
}

# run_case KERNEL NAME FILE SETTINGS ARGS REASON: each boot of one case;
# REASON, if set, marks its tests TODO.  A case sets up its own
# namespace: the job asks for none.
run_case() {
	local k=$1 name=$2 file=$3 settings=$4 args=$5 reason=$6
	local dir boots=1 s b rc reports why failed=$TAP_FAILED
	local -a keys=()
	dir=$BUILD/run/test-$k-$FLAVOR/$name
	for s in $settings; do
		case "$s" in boots=*) boots=${s#boots=} ;; *) keys+=("$s") ;; esac
	done
	for ((b = 1; b <= boots; b++)); do
		echo "# $k: $name: boot $b/$boots (${file%.sh} $args)"
		"$TOP/harness/job.sh" "$dir/boot$b.job" kernel="$k" debug="$DEBUG" \
			mode=none mkfs=0 fresh=$((b == 1)) boot=$b \
			guest_run="/daxgup/tests/$file" args="$args" "${keys[@]}" || {
			tap "not ok" "$k: $name: job" "see the error above"; return; }
		"$TOP/harness/boot.sh" -q "$dir/boot$b.job" >"$dir/boot$b.log" 2>&1
		rc=$(kv_get "$dir/boot$b.verdict" rc)
		reports=$(kv_get "$dir/boot$b.verdict" reports)
		why=$(kv_get "$dir/boot$b.verdict" why)
		[ -f "$dir/boot$b.out.log" ] && relay "$k: $name: " "$reason" < "$dir/boot$b.out.log"
		if [ -z "$rc" ]; then
			sed 's/^/#   /' "$dir/boot$b.log" | tail -n 5
			relay "" "$reason" <<< "not ok - $k: $name: guest ran # could not boot"
		elif [ -n "$why" ] || ! grep -qE '^(ok|not ok) - ' "$dir/boot$b.out.log"; then
			relay "" "$reason" <<< "not ok - $k: $name: guest ran its tests # ${why:-no TAP output}"
		elif [ "$reports" -gt 0 ]; then
			head -n 3 "$dir/boot$b.reports" | sed 's/^/#   /'
			relay "" "$reason" <<< "not ok - $k: $name: guest kernel log clean # $reports report line(s)"
		else
			relay "" "$reason" <<< "ok - $k: $name: guest kernel log clean ($(kv_get "$dir/boot$b.verdict" seconds)s)"
		fi
	done
	drop_disks "$dir" "$( ((TAP_FAILED > failed)) && echo failed)"
}

# expect NAME WANT GOT: a check of an exit status.
expect() {
	if [ "$2" = "$3" ]; then tap ok "$1"; else tap "not ok" "$1" "exit $3, wanted $2"; fi
}

# user_run KERNEL NAME key=value...: boot.sh as 'make guest-run' runs
# it, a user's script from tests/user; its exit status.
user_run() {
	local k=$1 job=$BUILD/run/test-$1-$FLAVOR/guest-run/$2.job
	shift 2
	"$TOP/harness/job.sh" "$job" kernel="$k" debug="$DEBUG" "$@" &&
		"$TOP/harness/boot.sh" -q "$job" >/dev/null 2>&1
}

# guest_run_checks KERNEL: 'make guest-run' as a user meets it, and the
# verdicts it must give.
guest_run_checks() {
	local k=$1 dir=$BUILD/run/test-$1-$FLAVOR/guest-run rc out failed=$TAP_FAILED
	echo "# $k: guest-run: a user's script, a kernel WARNING, a kernel panic"
	user_run "$k" args run="$TOP/tests/user/args-and-status.sh" args='one "two words"'
	rc=$?
	out=$dir/args.out.log
	grep -q 'argc=2 arg1=\[one\] arg2=\[two words\]' "$out" && grep -q 'cwd=/mnt/dax' "$out" &&
		grep -q 'dax-mount=yes' "$out" && grep -q 'scratch=/dev/vda' "$out" ||
		{ sed 's/^/#   /' "$out" | tail -n 5; rc="$rc, output wrong"; }
	expect "$k: guest-run: a user script gets its ARGS, /mnt/dax and /dev/vda; its status comes back" 3 "$rc"

	user_run "$k" warning mode=none run="$TOP/tests/user/kernel-warning.sh"
	expect "$k: guest-run: a passing job fails when the kernel logs a WARNING" 126 $?

	user_run "$k" panic mode=none timeout=120 run="$TOP/tests/user/kernel-panic.sh"
	rc=$?
	[ "$(kv_get "$dir/panic.verdict" why)" = "kernel panic" ] || rc="$rc, no panic seen"
	expect "$k: guest-run: a kernel panic ends the run, no hang" 125 "$rc"

	echo "# $k: guest-run: the namespace follows MODE unless MKFS=0 keeps it"
	mode_run "$k" to-ram 0 pfn-ram mode=pfn-ram
	mode_run "$k" to-pmem 0 pfn-pmem mode=pfn-pmem
	mode_run "$k" keep 125 "" mode=pfn-ram mkfs=0
	mode_run "$k" keep-after 0 pfn-pmem mode=pfn-pmem mkfs=0
	if grep -q "use MODE=pfn-pmem to keep it, or MKFS=1 (or FRESH=1)" "$dir/keep.out.log" &&
	   grep -q "kept: to-pmem" "$dir/keep-after.out.log"; then
		tap ok "$k: guest-run: MKFS=0 refuses a mode change, naming MODE and FRESH, and loses nothing"
	else
		grep -h 'namespace0.0\|kept' "$dir/keep.out.log" "$dir/keep-after.out.log" | sed 's/^/#   /'
		tap "not ok" "$k: guest-run: MKFS=0 refuses a mode change, naming MODE and FRESH, and loses nothing"
	fi
	mode_run "$k" to-raw 0 raw mode=raw
	mode_run "$k" raw-keep 125 "" mode=pfn-ram mkfs=0
	if grep -q "use MODE=raw to keep it" "$dir/raw-keep.out.log"; then
		tap ok "$k: guest-run: MKFS=0 refuses raw -> pfn-ram, naming MODE=raw"
	else
		grep -h 'namespace0.0' "$dir/raw-keep.out.log" | sed 's/^/#   /'
		tap "not ok" "$k: guest-run: MKFS=0 refuses raw -> pfn-ram, naming MODE=raw"
	fi
	mode_run "$k" from-raw 0 pfn-ram mode=pfn-ram
	drop_disks "$dir" "$( ((TAP_FAILED > failed)) && echo failed)"
}

# mode_run KERNEL NAME WANT-RC WANT-MODE key=value...: a guest-run of
# tests/user/namespace-mode.sh; its exit status and the mode it saw.
mode_run() {
	local k=$1 name=$2 want=$3 mode=$4 rc out
	local dir=$BUILD/run/test-$1-$FLAVOR/guest-run
	shift 4
	user_run "$k" "$name" fs=ext4 run="$TOP/tests/user/namespace-mode.sh" args="$name" "$@"
	rc=$?
	out=$dir/$name.out.log
	if [ -n "$mode" ] && ! grep -q "^namespace0.0: $mode[[:space:]]*$" "$out"; then
		grep -m 3 'namespace0.0' "$out" | sed 's/^/#   /'
		rc="$rc, not in $mode"
	fi
	expect "$k: guest-run: $* gives exit $want${mode:+ and $mode}" "$want" "$rc"
}

kernel_stage() {
	local k=$1 log=$BUILD/test-build-$1.log name file settings args reason
	KERNEL=$k kernel_paths
	echo "# $k: building ($FLAVOR)"
	if ! KERNEL=$k "$TOP/harness/kernel.sh" build > "$log" 2>&1; then
		grep -E '^(error|warning):' "$log" | head -n 5 | sed 's/^/#   /'
		tap "not ok" "$k: kernel build" "see ${log#$TOP/}"
		skip_kernel "$k" "the $k kernel did not build" built
		return
	fi
	tap ok "$k: kernel build ($(cat "$OBJ/include/config/kernel.release"))"
	# the base's nfit_test does not build (kernel.sh warns); the series' must
	if [ "$k" = series ]; then
		if [ -f "$OBJ/nfit_test.failed" ]; then
			tap "not ok" "series: nfit_test builds" "$(cat "$OBJ/nfit_test.failed")"
		else
			tap ok "series: nfit_test builds"
		fi
	fi
	case_list "$k" || return
	while IFS='|' read -r name file settings args reason; do
		case "$name" in
		'') ;;
		guest-run) guest_run_checks "$k" ;;
		*) run_case "$k" "$name" "$file" "$settings" "$args" "$reason" ;;
		esac
	done <<< "$CASE_LIST"
	[ "$k" = series ] && [[ -z "$CASES" || ndctl-suite == $CASES ]] && ndctl_suite
	return 0
}

# ndctl_suite: ndctl's own tests (make ndctl-test), when NDCTL_BUILD
# names a tree that has them built; skipped, by name, otherwise.
ndctl_suite() {
	local log=$BUILD/run/test-series-$FLAVOR/ndctl-suite.log
	if [ -z "${NDCTL_BUILD:-}" ]; then
		tap ok "series: ndctl's own test suite (make ndctl-test)" \
			"SKIP NDCTL_BUILD is not set: see README, ndctl's test suite"
		return
	fi
	echo "# series: ndctl's own test suite, from $NDCTL_BUILD"
	mkdir -p "${log%/*}"
	KERNEL=series "$TOP/harness/ndctl-test.sh" > "$log" 2>&1
	grep -E '^(ok|not ok) [0-9]+ - |^#' "$log" | grep -v '^# [0-9]* TODO' |
		sed -E 's/^(ok|not ok) [0-9]+ - /\1 - /' | relay "series: "
	grep -q '^error: ' "$log" && tap "not ok" "series: ndctl's own test suite" "$(grep -m 1 '^error: ' "$log")"
	return 0
}

# --- 1. host tests ----------------------------------------------------------
for t in "$TOP"/tests/host/*.sh; do
	echo "# host: $(basename "$t")"
	relay "host: " "" < <(bash "$t" 2>&1)
done

# --- 2. the tree, 3. the kernels ----------------------------------------------
err=$(mktemp)
if [ "${ONLY:-}" = host ]; then
	echo "# ONLY=host: the tree and kernel stages are not run"
elif ! "$TOP/harness/base.sh" tarball >/dev/null 2>"$err"; then
	reason=$(grep -m 1 '^error: ' "$err" | sed 's/^error: //; s/  Provide one:$//')
	echo "# skipping everything that needs a kernel: $reason"
	echo "# stage one with ../shared/tools/stage-base, or set LINUX_TARBALL"
	skip_all "$reason"
elif mkdir -p "$BUILD" && "$TOP/harness/tree.sh" > "$BUILD/test-tree.log" 2>&1; then
	tap ok "tree: build/linux from base + series/ ($(grep -vc '^#' "$SERIES/series") patches)"
	exp=$(mktemp -d)
	if OUT=$exp "$TOP/harness/export.sh" >/dev/null 2>&1 &&
	   diff -r -x series "$SERIES" "$exp" >/dev/null 2>&1 &&
	   diff <(grep -v '^#' "$SERIES/series") <(grep -v '^#' "$exp/series") >/dev/null; then
		tap ok "tree: re-exporting build/linux leaves series/ unchanged"
	else
		diff -r "$SERIES" "$exp" | head -n 10 | sed 's/^/#   /'
		tap "not ok" "tree: re-exporting build/linux leaves series/ unchanged"
	fi
	rm -rf "$exp"
	# per-patch.sh: a stale commit id (make tree renews them) is refused
	# before anything is built, naming where the current ids are
	if ! SINCE=0000000000ff "$TOP/harness/per-patch.sh" >/dev/null 2>"$exp.err" &&
	   grep -q "SINCE: no commit '0000000000ff'.*log --oneline base\.\." "$exp.err"; then
		tap ok "tree: per-patch refuses an unknown SINCE, naming the fix"
	else
		sed 's/^/#   /' "$exp.err"
		tap "not ok" "tree: per-patch refuses an unknown SINCE, naming the fix"
	fi
	rm -f "$exp.err"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		out=$(cd "$BUILD/linux" && perl scripts/checkpatch.pl --no-signoff -q "$SERIES/$p" 2>&1)
		if echo "$out" | grep -q '^ERROR:'; then
			echo "$out" | grep -A3 '^ERROR:' | head -n 12 | sed 's/^/#   /'
			tap "not ok" "tree: checkpatch: $p" "$(echo "$out" | grep -c '^ERROR:') error(s)"
		else
			tap ok "tree: checkpatch: $p ($(echo "$out" | grep -c '^WARNING:') warnings)"
		fi
	done < "$SERIES/series"
	# a case's images take up to ~3 GiB until it is done (drop_disks), a
	# kernel build ~1 GiB
	free=$(df -Pk "$BUILD" | awk 'NR == 2 { print int($4 / 1048576) }')
	echo "# disk: $free GiB free under build/"
	if [ "$free" -ge 8 ]; then
		tap ok "disk: 8 GiB free under build/ for a kernel and a case's images"
	else
		tap "not ok" "disk: 8 GiB free under build/ for a kernel and a case's images" \
			"$free GiB: free some; build/run/test-* keeps only logs, and a failed case's images"
	fi
	if "$TOP/harness/image.sh" all > "$BUILD/test-image.log" 2>&1; then
		for k in $KERNELS; do
			kernel_stage "$k"
		done
	else
		tail -n 3 "$BUILD/test-image.log" | sed 's/^/#   /'
		tap "not ok" "guest image" "see build/test-image.log"
	fi
else
	grep '^error' "$BUILD/test-tree.log" | sed 's/^/#   /'
	tap "not ok" "tree: build/linux from base + series/" "see build/test-tree.log"
fi
rm -f "$err"

tap_summary $(( $(date +%s) - start_all ))
[ "$TAP_FAILED" = 0 ]
