#!/usr/bin/env bash
# makefile.sh: the Makefile hands the user's variables to the harness.
# The stages are replaced by stubs (H=dir) that record what they got.
. "$(dirname "$0")/../../harness/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in deps tree kernel image boot test robot per-patch export bench report; do
	printf '#!/bin/sh\necho "%s KERNEL=$KERNEL DEBUG=$DEBUG MODE=$MODE FS=$FS RUN=$RUN ARGS=$ARGS${KERNELS:+ KERNELS=$KERNELS}${RUNS:+ RUNS=$RUNS}${WORKLOADS:+ WORKLOADS=$WORKLOADS}"\n' \
		"$s" > "$tmp/$s.sh"
	chmod +x "$tmp/$s.sh"
done

t() {	# NAME EXPECTED-LINE MAKE-ARGS...
	local name=$1 want=$2 out
	shift 2
	# MAKEFLAGS too: "make test DEBUG=1" passes DEBUG to sub-makes through it
	out=$(env -u KERNEL -u DEBUG -u MODE -u FS -u RUN -u ARGS -u KERNELS -u RUNS -u WORKLOADS \
		-u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$TOP" H="$tmp" "$@" 2>&1)
	if printf '%s\n' "$out" | grep -qxF -- "$want"; then
		echo "ok - $name"
	else
		printf '%s\n' "$out" | sed 's/^/#   /'
		echo "not ok - $name # wanted: $want"
	fi
}
t "make: boots the guest with the demo (RUN defaults to examples/dio-demo.sh)" \
	"boot KERNEL= DEBUG= MODE= FS= RUN=examples/dio-demo.sh ARGS=" all
t "make guest-run: RUN, ARGS, MODE, FS, KERNEL and DEBUG reach boot.sh" \
	"boot KERNEL=base DEBUG=1 MODE=raw FS=xfs RUN=/x/prog ARGS=a \"b c\"" \
	guest-run RUN=/x/prog ARGS='a "b c"' MODE=raw FS=xfs KERNEL=base DEBUG=1
t "make guest-run: builds the image for the chosen kernel first" \
	"image KERNEL=base DEBUG= MODE= FS= RUN= ARGS=" guest-run KERNEL=base
t "make test: runs the suite, with no RUN of the demo's leaking into it" \
	"test KERNEL= DEBUG= MODE= FS= RUN= ARGS=" test
t "make per-patch: makes the tree, then runs per-patch.sh" \
	"per-patch KERNEL= DEBUG= MODE= FS= RUN= ARGS=" per-patch
t "make bench: KERNELS, RUNS and WORKLOADS reach bench.sh, no RUN of the demo's" \
	"bench KERNEL= DEBUG= MODE= FS= RUN= ARGS= KERNELS=series reference RUNS=3 WORKLOADS=faults" \
	bench KERNELS="series reference" RUNS=3 WORKLOADS=faults
