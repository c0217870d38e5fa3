#!/usr/bin/env bash
# test.sh: the test suite.  Prints TAP and ends with one line,
# "N passed, N failed, N skipped".  Exit 0 when nothing failed.
#
#   1. host tests (tests/host/*.sh): need no kernel, always run;
#   2. the tree: build/linux from base + series/, re-export, checkpatch;
#   3. for each kernel in KERNELS (default "series base"): build it, then
#      boot the guest once per case below and read the case's TAP lines.
#
# Without a base tarball (and no network) stages 2 and 3 are skipped, each
# case by name, with the reason.  ONLY=host runs stage 1 alone.
# tests/todo lists expected failures.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-series base}
CASES=${CASES:-}			# a glob: run only matching cases
n=0 passed=0 failed=0 skipped=0 todo=0
start_all=$(date +%s)

# tap "ok"|"not ok" NAME [DIRECTIVE]: number, print and count one result.
tap() {
	local status=$1 name=$2 dir=${3:-}
	n=$((n + 1))
	echo "$status $n - $name${dir:+ # $dir}"
	case "$status:$dir" in
	*:SKIP*) skipped=$((skipped + 1)) ;;
	*:TODO*) todo=$((todo + 1)) ;;
	ok:*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
}

# todo_reason KERNEL NAME: the tests/todo reason if NAME is expected to fail.
todo_reason() {
	local k glob reason
	while read -r k glob reason; do
		case "$k" in ''|'#'*) continue ;; esac
		[ "$k" = "$1" ] && [[ $2 == $glob ]] && { echo "$reason"; return; }
	done < "$TOP/tests/todo"
}

# relay PREFIX KERNEL: read unnumbered TAP ("ok - x", "not ok - x # why",
# "# ...") on stdin and re-emit it numbered, with PREFIX and TODO marks.
relay() {
	local prefix=$1 k=$2 line status rest name dir
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) status=ok; rest=${line#ok - } ;;
		"not ok - "*) status="not ok"; rest=${line#not ok - } ;;
		"#"*) echo "$line"; continue ;;
		*) continue ;;
		esac
		name=${rest%% # *}
		dir=
		[ "$name" != "$rest" ] && dir=${rest#* # }
		ktap "$k" "$status" "$prefix$name" "$dir"
	done
}

# ktap KERNEL STATUS NAME [DIRECTIVE]: tap a test named "KERNEL: rest",
# TODO-marked when tests/todo lists "rest" for KERNEL (not over a SKIP).
ktap() {
	local k=$1 status=$2 name=$3 dir=${4:-} reason
	reason=$(todo_reason "$k" "${name#*: }")
	[ -n "$reason" ] && [ "${dir#SKIP}" = "$dir" ] && dir="TODO $reason${dir:+ ($dir)}"
	tap "$status" "$name" "$dir"
}

# --- 1. host tests ----------------------------------------------------------
for t in "$TOP"/tests/host/*.sh; do
	echo "# host: $(basename "$t")"
	relay "host: " host < <(bash "$t" 2>&1)
done

# --- 2. the tree ------------------------------------------------------------
skip_all() {	# REASON: every kernel stage, named, as skipped
	local k c
	tap ok "tree: build/linux from base + series/" "SKIP $1"
	for k in $KERNELS; do
		tap ok "$k: kernel build" "SKIP $1"
		for c in $( (cases "$k"; [ "$k" = series ] && echo guest-run) |
			    cut -d'|' -f1 | sed 's/+$//' | awk '!seen[$0]++'); do
			tap ok "$k: $c" "SKIP $1"
		done
	done
}

# cases KERNEL: "name|job settings|guest command" for each guest boot.
# A name with "+" boots again in the same run directory (same NVDIMM).
cases() {
	local k=$1 dio_pfn=ok rel
	[ "$k" = base ] && dio_pfn=efault
	rel=$LINUX_VERSION-$k${DEBUG_SUFFIX:-}
	echo "discover|MODE=none|/daxgup/tests/discover.sh $rel 4294967296"
	for fs in ext4 xfs; do
		echo "raw-$fs|MODE=none|/daxgup/tests/dax.sh raw $fs efault"
		echo "pfn-ram-$fs|MODE=none|/daxgup/tests/dax.sh pfn-ram $fs $dio_pfn"
		[ "$k" = base ] ||	# the base refuses the "pmem" location (ENOTTY)
			echo "pfn-pmem-$fs|MODE=none|/daxgup/tests/dax.sh pfn-pmem $fs $dio_pfn"
	done
	echo "persist-pfn-ram-ext4|MODE=none|/daxgup/tests/persist.sh write pfn-ram ext4"
	echo "persist-pfn-ram-ext4+|MODE=none|/daxgup/tests/persist.sh verify pfn-ram ext4"
	echo "persist-raw-xfs|MODE=none|/daxgup/tests/persist.sh write raw xfs"
	echo "persist-raw-xfs+|MODE=none|/daxgup/tests/persist.sh verify raw xfs"
	if [ "$k" != base ]; then	# the memmap location "pmem" is the series'
		echo "persist-pfn-pmem-xfs|MODE=none|/daxgup/tests/persist.sh write pfn-pmem xfs"
		echo "persist-pfn-pmem-xfs+|MODE=none|/daxgup/tests/persist.sh verify pfn-pmem xfs"
		echo "memmap-cost-4g|MODE=none NVDIMM_SIZE=4G|/daxgup/tests/memmap.sh"
		echo "memmap-cost-16g|MODE=none NVDIMM_SIZE=16G|/daxgup/tests/memmap.sh"
		for b in sysfs infoblock; do
			echo "pfn-bad-$b|MODE=none|/daxgup/tests/pfn_bad.sh $b"
		done
		echo "pfn-bad-unaligned|MODE=none NVDIMMS=2 NVDIMM_SIZE=192M|/daxgup/tests/pfn_bad.sh unaligned"
		echo "pfn-bad-small|MODE=none NVDIMM_SIZE=64M|/daxgup/tests/pfn_bad.sh small"
		for m in ram pmem; do
			echo "dev_pagemap-pfn-$m|MODE=none|/daxgup/tests/dev_pagemap.sh pfn-$m"
		done
		echo "teardown-pfn-ram|MODE=none|/daxgup/tests/teardown.sh pfn-ram 20"
		echo "teardown-pfn-pmem|MODE=none|/daxgup/tests/teardown.sh pfn-pmem 20"
	fi
	[ "$k" = base ] ||	# the base's nfit_test does not build (fixed by the series)
		echo "nfit_test|MODE=none NVDIMMS=0 APPEND=cma=512M|/daxgup/tests/nfit_test.sh"
	[ "$k" = base ] ||	# CONFIG_TEST_PFN_T is the series'
		echo "pfn_t|MODE=none|/daxgup/tests/pfn_t.sh"
	# Unbinding a mounted namespace under I/O.  The base oopses in it
	# (tests/todo) and may hang after that: one case there, time-limited.
	echo "unbind-raw-xfs|MODE=none TIMEOUT=180|/daxgup/tests/unbind.sh raw xfs"
	[ "$k" = base ] && return
	echo "unbind-raw-ext4|MODE=none|/daxgup/tests/unbind.sh raw ext4"
	for fs in ext4 xfs; do
		echo "unbind-pfn-ram-$fs|MODE=none|/daxgup/tests/unbind.sh pfn-ram $fs"
	done
	echo "unbind-pfn-pmem-xfs|MODE=none|/daxgup/tests/unbind.sh pfn-pmem xfs"
	# a vmsplice() pin outlives its mapping and holds off the unbind
	echo "pin-unbind-pfn-ram-xfs|MODE=none|/daxgup/tests/pin_unbind.sh pfn-ram xfs"
	echo "pin-unbind-pfn-pmem-ext4|MODE=none|/daxgup/tests/pin_unbind.sh pfn-pmem ext4"
	echo "unbind-poweroff-raw-ext4|MODE=none|/daxgup/tests/unbind.sh raw ext4 poweroff"
	echo "unbind-poweroff-pfn-ram-xfs|MODE=none|/daxgup/tests/unbind.sh pfn-ram xfs poweroff"
}

# verdict FILE KEY: one field of a boot's verdict file (see boot.sh).
verdict() { sed -n "s/^$2=//p" "$1" 2>/dev/null; }

# run_case KERNEL NAME SETTINGS COMMAND
run_case() {
	local k=$1 name=$2 settings=$3 cmd=$4 dir=$BUILD/run/test-$k-$FLAVOR fresh=1
	local boot b rc reports why
	case "$name" in *+) fresh=0; name=${name%+} ;; esac
	[ -n "$CASES" ] && [[ $name != $CASES ]] && return
	boot=boot$((2 - fresh))		# boot1, or boot2 for the reboot
	b=$dir/$name/$boot
	echo "# $k: $name: booting ($cmd)"
	env -u RUN -u MODE -u FS -u NVDIMMS -u NVDIMM_SIZE -u APPEND \
		KERNEL="$k" RUNDIR="$dir/$name" NAME=$boot FRESH=$fresh SHOW=0 \
		MKFS=0 GUEST_RUN="${cmd%% *}" ARGS="${cmd#* }" $settings \
		"$TOP/harness/boot.sh" >"$dir/$name.$boot.log" 2>&1
	rc=$(verdict "$b.verdict" rc)
	reports=$(verdict "$b.verdict" reports)
	why=$(verdict "$b.verdict" why)
	relay "$k: $name: " "$k" < "$b.out.log"
	if [ -z "$rc" ]; then
		sed 's/^/#   /' "$dir/$name.$boot.log" | tail -n 5
		ktap "$k" "not ok" "$k: $name: guest ran" "could not boot"
	elif [ -n "$why" ] || ! grep -qE '^(ok|not ok) - ' "$b.out.log"; then
		ktap "$k" "not ok" "$k: $name: guest ran its tests" "${why:-no TAP output}"
	elif [ "$reports" -gt 0 ]; then
		head -n 3 "$b.reports" | sed 's/^/#   /'
		ktap "$k" "not ok" "$k: $name: guest kernel log clean" "$reports report line(s)"
	else
		ktap "$k" ok "$k: $name: guest kernel log clean ($(verdict "$b.verdict" seconds)s)"
	fi
}

# expect NAME WANT GOT: a check of an exit status.
expect() {
	if [ "$2" = "$3" ]; then tap ok "$1"; else tap "not ok" "$1" "exit $3, wanted $2"; fi
}

# guest_run_checks KERNEL: 'make guest-run' as a user meets it, and the
# verdicts it must give.  Each runs boot.sh the way the Makefile does.
guest_run_checks() {
	local k=$1 dir=$BUILD/run/test-$k-$FLAVOR/guest-run rc out
	[ -n "$CASES" ] && [[ guest-run != $CASES ]] && return
	echo "# $k: guest-run: a user's script, a kernel WARNING, a kernel panic"
	KERNEL=$k RUNDIR=$dir NAME=args SHOW=0 RUN=$TOP/tests/user/args-and-status.sh \
		ARGS='one "two words"' "$TOP/harness/boot.sh" >/dev/null 2>&1
	rc=$?
	out=$dir/args.out.log
	grep -q 'argc=2 arg1=\[one\] arg2=\[two words\]' "$out" && grep -q 'cwd=/mnt/dax' "$out" &&
		grep -q 'dax-mount=yes' "$out" && grep -q 'scratch=/dev/vda' "$out" ||
		{ sed 's/^/#   /' "$out" | tail -n 5; rc="$rc, output wrong"; }
	expect "$k: guest-run: a user script gets its ARGS, /mnt/dax and /dev/vda; its status comes back" 3 "$rc"

	KERNEL=$k RUNDIR=$dir NAME=warning SHOW=0 MODE=none RUN=$TOP/tests/user/kernel-warning.sh \
		"$TOP/harness/boot.sh" >/dev/null 2>&1
	expect "$k: guest-run: a passing job fails when the kernel logs a WARNING" 126 $?

	KERNEL=$k RUNDIR=$dir NAME=panic SHOW=0 MODE=none TIMEOUT=120 \
		RUN=$TOP/tests/user/kernel-panic.sh "$TOP/harness/boot.sh" >/dev/null 2>&1
	rc=$?
	[ "$(verdict "$dir/panic.verdict" why)" = "kernel panic" ] || rc="$rc, no panic seen"
	expect "$k: guest-run: a kernel panic ends the run, no hang" 125 "$rc"
}

kernel_stage() {
	local k=$1 c name settings cmd
	KERNEL=$k kernel_paths
	DEBUG_SUFFIX=; [ "$FLAVOR" = debug ] && DEBUG_SUFFIX=-debug
	echo "# $k: building ($FLAVOR)"
	if KERNEL=$k "$TOP/harness/tree.sh" "$([ "$k" = base ] && echo base || echo series)" >/dev/null 2>&1 &&
	   KERNEL=$k "$TOP/harness/kernel.sh" build > "$BUILD/test-build-$k.log" 2>&1 &&
	   KERNEL=$k "$TOP/harness/image.sh" all >> "$BUILD/test-build-$k.log" 2>&1; then
		tap ok "$k: kernel build ($(cat "$OBJ/include/config/kernel.release"))"
	else
		grep -E '^(error|warning):' "$BUILD/test-build-$k.log" | head -n 5 | sed 's/^/#   /'
		tap "not ok" "$k: kernel build" "see build/test-build-$k.log"
		while IFS='|' read -r name settings cmd; do
			tap ok "$k: ${name%+}" "SKIP the $k kernel did not build"
		done < <(cases "$k")
		return
	fi
	mkdir -p "$BUILD/run/test-$k-$FLAVOR"
	while IFS='|' read -r name settings cmd; do
		run_case "$k" "$name" "$settings" "$cmd"
	done < <(cases "$k")
	[ "$k" = series ] && guest_run_checks "$k"
}

err=$(mktemp)
if [ "${ONLY:-}" = host ]; then
	echo "# ONLY=host: the tree and kernel stages are not run"
elif ! "$TOP/harness/base.sh" tarball >/dev/null 2>"$err"; then
	reason=$(grep -m 1 '^error: ' "$err" | sed 's/^error: //; s/  Provide one:$//')
	echo "# skipping everything that needs a kernel: $reason"
	echo "# stage one with ../shared/tools/stage-base, or set LINUX_TARBALL"
	skip_all "$reason"
else
	mkdir -p "$BUILD"
	if "$TOP/harness/tree.sh" > "$BUILD/test-tree.log" 2>&1; then
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
		for k in $KERNELS; do
			kernel_stage "$k"
		done
	else
		grep '^error' "$BUILD/test-tree.log" | sed 's/^/#   /'
		tap "not ok" "tree: build/linux from base + series/" "see build/test-tree.log"
	fi
fi
rm -f "$err"

echo "1..$n"
echo "# $todo TODO (expected failures, counted as skipped); $(( $(date +%s) - start_all ))s in all"
echo "$passed passed, $failed failed, $((skipped + todo)) skipped"
[ "$failed" = 0 ]
