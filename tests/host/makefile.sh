#!/usr/bin/env bash
# makefile.sh: the Makefile hands the user's variables to the harness, and
# a guest boot gets them only through its job.  The stages are replaced
# by stubs (H=dir) that record what they got; job.sh is the real one.
. "$(dirname "$0")/../../harness/lib.sh"
. "$(dirname "$0")/tap.bash"
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in deps tree kernel image test robot per-patch export bench report mail; do
	printf '#!/bin/sh\necho "%s $*${KERNEL:+ KERNEL=$KERNEL}${DEBUG:+ DEBUG=$DEBUG}${KERNELS:+ KERNELS=$KERNELS}${RUNS:+ RUNS=$RUNS}${WORKLOADS:+ WORKLOADS=$WORKLOADS}"\n' \
		"$s" > "$tmp/$s.sh"
done
printf '#!/bin/sh\nexec "%s/harness/job.sh" "$@"\n' "$TOP" > "$tmp/job.sh"
printf '#!/bin/sh\necho "boot $*"; cat "$1"\n' > "$tmp/boot.sh"
chmod +x "$tmp"/*.sh

# make_says WANT-LINE... -- MAKE-ARGS...: make prints every WANT-LINE.
make_says() {
	local want=() out w
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	# nothing of the caller's: "make test DEBUG=1" passes DEBUG to
	# sub-makes through MAKEFLAGS, and CLOCK=icount would change the job
	out=$(env -i PATH="$PATH" HOME="$HOME" \
		make -s -C "$TOP" H="$tmp" JOB="$tmp/boot.job" "$@" 2>&1)
	for w in "${want[@]}"; do
		printf '%s\n' "$out" | grep -qxF -- "$w" ||
			{ printf '%s\n' "$out"; echo "wanted: $w"; return 1; }
	done
}
t "make: boots the guest with the demo, through a job (run defaults to examples/dio-demo.sh)" \
	make_says "boot $tmp/boot.job" "run=$TOP/examples/dio-demo.sh" "mode=pfn-ram" "kernel=series" -- all
t "make guest-run: RUN (its full path), ARGS, MODE, FS, MEM, KERNEL and DEBUG reach the job" \
	make_says "run=$TOP/tests/user/args-and-status.sh" 'args=a "b c"' "mode=raw" "fs=xfs" "mem=4G" \
	"kernel=base" "debug=1" -- guest-run RUN=tests/user/args-and-status.sh ARGS='a "b c"' \
	MODE=raw FS=xfs MEM=4G KERNEL=base DEBUG=1
t "make guest-run: a RUN that does not exist is refused, by name" \
	make_says "error: job: run=/x/prog: no such file" -- guest-run RUN=/x/prog
t "make guest-run: a bad value is refused before the boot" \
	make_says "error: job: mode=nope is not valid: mode is raw, pfn-ram, pfn-pmem or none" -- \
	guest-run MODE=nope
t "make guest-run: prepares the chosen kernel and the image first" \
	make_says "kernel build KERNEL=base" "image all KERNEL=base" -- guest-run KERNEL=base
t "make test: runs the suite" make_says "test " -- test
t "make per-patch: makes the tree, then runs per-patch.sh" \
	make_says "tree " "per-patch " -- per-patch
t "make mail: makes the tree, then runs mail.sh" make_says "tree " "mail " -- mail
t "make bench: KERNELS, RUNS and WORKLOADS reach bench.sh" \
	make_says "bench  KERNELS=series reference RUNS=3 WORKLOADS=faults" -- \
	bench KERNELS="series reference" RUNS=3 WORKLOADS=faults
