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
	for f in "$TOP"/guest/init "$TOP"/guest/lib.sh "$TOP"/tests/guest/*.sh "$TOP"/examples/*.sh; do
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
