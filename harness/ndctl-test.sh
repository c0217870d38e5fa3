#!/usr/bin/env bash
# ndctl-test.sh: ndctl's own test suite of the series' era (v52 or v53)
# on nfit_test, in the guest, one TAP line per ndctl test.
#
#   NDCTL_BUILD=DIR ndctl-test.sh    DIR: an ndctl tree that you built
#                                    with its tests and destructive tests
#                                    enabled (ndctl's README says how)
#
# The project does not build ndctl: it packs what DIR holds (the tests,
# the ndctl they call, libndctl and the libraries they link) with
# guest/ndctl-suite.sh into one script, and boots the series with it.
# The guest gets nfit_test (cma=) and the e820 device that dax-dev,
# dax.sh and mmap.sh want (memmap=1536M!1G).  Tests that fail for a
# reason of the series' own are marked TODO, with the reason (KNOWN).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/harness/tap.sh"

# test|why it fails on the series by design (README: "ndctl's test suite")
KNOWN='libndctl|the series refuses what this test relies on: align=1G at write time, and re-enabling the same pfn uuid with another location or align'

src=${NDCTL_BUILD:-}
[ -n "$src" ] || die "ndctl-test: set NDCTL_BUILD to an ndctl v52 or v53 tree built with its tests (see README: ndctl's test suite)"
[ -f "$src/test/libndctl" ] && [ -f "$src/ndctl" -o -f "$src/ndctl/ndctl" ] ||
	die "ndctl-test: $src has no built test/libndctl and ndctl: build ndctl's tests there first (see README: ndctl's test suite)"
KERNEL=${KERNEL:-series}
[ "$KERNEL" = series ] || die "ndctl-test: KERNEL=$KERNEL: nfit_test is built for the series only"
kernel_paths

out=$BUILD/ndctl
stage=$out/payload
rm -rf "$stage"
mkdir -p "$stage/nd/test" "$stage/nd/lib" "$stage/lib" "$stage/bin"

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# real PATH: a libtool wrapper's program is in .libs beside it
real() {
	if is_elf "$1"; then echo "$1"
	elif [ -f "$(dirname "$1")/.libs/$(basename "$1")" ]; then
		echo "$(dirname "$1")/.libs/$(basename "$1")"
	else echo "$1"
	fi
}

# make_var NAME: a variable of the tree's Makefile, printed and nothing
# else done (-o Makefile: automake's rules would regenerate files)
make_var() {
	make -s -C "$src" --no-print-directory -o Makefile -f Makefile -f - ndctl-test-var \
		<<< "ndctl-test-var: ; @echo '\$($1)'" 2>/dev/null
}
version=$(make_var VERSION) && [ -n "$version" ] || version=unknown
tests=$(make_var TESTS) && [ -n "$tests" ] ||
	die "ndctl-test: cannot read TESTS from $src/Makefile: is it a configured ndctl tree?"
msg "ndctl $version: $(echo $tests | wc -w) tests: $tests"
echo "$version" > "$stage/nd/VERSION"
for t in $tests; do basename "$t"; done > "$stage/nd/TESTS"

# every test, and the helpers the scripts call (test/dax-pmd, test/mmap)
for f in "$src"/test/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	install -m 755 "$(real "$f")" "$stage/nd/test/$(basename "$f")"
done
ndctl=$src/ndctl
[ -d "$ndctl" ] && ndctl=$src/ndctl/ndctl
install -m 755 "$(real "$ndctl")" "$stage/nd/ndctl"
cp -a "$src"/lib/.libs/libndctl.so* "$stage/nd/lib/" 2>/dev/null ||
	die "ndctl-test: no $src/lib/.libs/libndctl.so*: build ndctl with shared libraries"
install -m 755 "$(command -v bash)" "$stage/bin/bash"

# their libraries, as the host resolves them (the guest runs the host's)
for f in "$stage"/nd/ndctl "$stage"/nd/test/* "$stage/bin/bash"; do
	is_elf "$f" && LD_LIBRARY_PATH=$stage/nd/lib ldd "$f" 2>/dev/null
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
while read -r lib; do
	case "$lib" in "$stage"/*) continue ;; esac
	cp -L "$lib" "$stage/lib/"
done

run=$out/ndctl-suite.run
{ cat "$TOP/guest/ndctl-suite.sh"; echo __PAYLOAD__; tar -C "$stage" -cz . | base64; } > "$run"
msg "packed $(du -h "$run" | cut -f1) into ${run#$TOP/}"

start=$(date +%s)
"$TOP/harness/job.sh" "$out/ndctl.job" kernel="$KERNEL" debug="$DEBUG" mode=none fs=none \
	nvdimms=0 mem=4G timeout=2400 fresh=1 append="cma=512M memmap=1536M!1G" run="$run"
msg "booting $KERNEL ($FLAVOR) with ndctl $version's suite: about 5 minutes under TCG"
"$TOP/harness/boot.sh" -q "$out/ndctl.job" > "$out/boot.log" 2>&1 || true
rc=$(kv_get "$out/ndctl.verdict" rc)
why=$(kv_get "$out/ndctl.verdict" why)
reports=$(kv_get "$out/ndctl.verdict" reports)
while IFS= read -r line; do
	t=${line#*ndctl $version: }
	t=${t%% *}
	reason=$(printf '%s\n' "$KNOWN" | awk -F'|' -v t="$t" '$1 == t { print $2 }')
	case "$line" in
	"ok - ndctl "*|"not ok - ndctl "*) relay "" "$reason" <<< "$line" ;;
	*) relay "" "" <<< "$line" ;;
	esac
done < <(cat "$out/ndctl.out.log" 2>/dev/null)
if [ -z "$rc" ] || [ -n "$why" ]; then
	tail -n 5 "$out/boot.log" | sed 's/^/#   /'
	tap "not ok" "ndctl $version: the guest ran the suite" "${why:-could not boot}"
elif [ "${reports:-0}" -gt 0 ]; then
	head -n 3 "$out/ndctl.reports" | sed 's/^/#   /'
	tap "not ok" "ndctl $version: guest kernel log clean" "$reports report line(s)"
else
	tap ok "ndctl $version: guest kernel log clean"
fi
drop_disks "$out" "$( ((TAP_FAILED > 0)) && echo failed)"
tap_summary $(( $(date +%s) - start ))
[ "$TAP_FAILED" = 0 ]
