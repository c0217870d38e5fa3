#!/usr/bin/env bash
# image.sh: build the guest's userspace from the host's Debian packages.
#
#   image.sh common     build/guest/common.cpio: busybox, /init, the guest
#                       test library, test and benchmark scripts, the test
#                       programs (static)
#   image.sh tools      build/guest/tools.img: a read-only ext2 disk with
#                       fio, ndctl, mke2fs, mkfs.xfs, kmod and their libraries
#   image.sh all        both (default)
#
# What depends on the kernel (its modules) is kernel.sh's.
#
# The guest sees the tools disk at /tools; /usr, /lib64 and
# /lib/x86_64-linux-gnu point into it, so the tools run unmodified.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

G=$BUILD/guest
TOOLS_BINS=(/usr/bin/fio /usr/bin/ndctl /usr/sbin/mke2fs /usr/sbin/e2fsck
	/usr/sbin/mkfs.xfs /usr/sbin/xfs_db /usr/sbin/xfs_repair /usr/bin/kmod
	/usr/bin/strace
	/usr/sbin/dmsetup)

progs() {
	local out=$1 src
	mkdir -p "$out"
	for src in "$TOP"/tests/progs/*.c; do
		gcc -static -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
			-o "$out/$(basename "$src" .c)" "$src" -lpthread ||
			die "cannot build ${src#$TOP/}"
	done
	# the series' example programs, built as a user would build them
	for src in "$BUILD"/linux/Documentation/filesystems/dax_lease.c; do
		[ -f "$src" ] || continue
		gcc -static -O2 -Wall -Wextra -Werror \
			-o "$out/$(basename "$src" .c)" "$src" ||
			die "cannot build ${src#$TOP/}"
	done
}

common() {
	local root=$G/common
	need busybox busybox-static
	need cpio cpio
	! ldd "$(command -v busybox)" >/dev/null 2>&1 ||
		die "busybox is not static: run 'make deps' (Debian package: busybox-static)"
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,mnt/dax,tools,etc,lib/modules,daxgup}
	cp "$(command -v busybox)" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	ln -s /tools/usr "$root/usr"
	ln -s /tools/usr/lib64 "$root/lib64"
	ln -s /tools/usr/lib/x86_64-linux-gnu "$root/lib/x86_64-linux-gnu"
	ln -s bin "$root/sbin"
	install -m 755 "$TOP/guest/init" "$root/init"
	cp "$TOP/guest/lib.sh" "$TOP/guest/markers.sh" "$root/daxgup/"
	mkdir -p "$root/daxgup/tests"
	install -m 755 "$TOP"/tests/guest/*.sh "$root/daxgup/tests/"
	mkdir -p "$root/daxgup/bench"
	install -m 755 "$TOP"/tests/bench/*.sh "$root/daxgup/bench/"
	progs "$root/daxgup/bin"
	echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
	cpio_of "$root" "$G/common.cpio"
	msg "guest: ${G#$TOP/}/common.cpio ($(du -h "$G/common.cpio" | cut -f1))"
}

# copy_with_libs FILE ROOT: FILE and every library it loads, at their
# paths (directories resolved, so merged-/usr lands under usr/).
copy_with_libs() {
	local f=$1 root=$2 lib dir
	for lib in "$f" $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		dir=$(readlink -f "$(dirname "$lib")")
		[ -e "$root$dir/$(basename "$lib")" ] && continue
		mkdir -p "$root$dir"
		cp -L "$lib" "$root$dir/"
	done
}

tools() {
	local root=$G/tools b size
	[ "$(readlink -f /lib)" = /usr/lib ] || die "the host is not merged-/usr (Debian 12 or later is)"
	for b in "${TOOLS_BINS[@]}"; do
		[ -x "$b" ] || die "$b is missing: run 'make deps'"
	done
	need mke2fs e2fsprogs
	if [ -f "$G/tools.img" ] && [ "$G/tools.img" -nt /var/lib/dpkg/status ] &&
	   [ "$G/tools.img" -nt "$0" ]; then
		return
	fi
	rm -rf "$root"
	mkdir -p "$root"
	for b in "${TOOLS_BINS[@]}"; do
		copy_with_libs "$b" "$root"
	done
	ln -s kmod "$root/usr/bin/modprobe"
	ln -s kmod "$root/usr/bin/insmod"
	ln -s kmod "$root/usr/bin/rmmod"
	ln -s kmod "$root/usr/bin/lsmod"
	ln -s mke2fs "$root/usr/sbin/mkfs.ext4"
	size=$(( $(du -sm "$root" | cut -f1) * 12 / 10 + 16 ))
	rm -f "$G/tools.img"
	mke2fs -q -F -t ext2 -b 4096 -L daxgup-tools -d "$root" "$G/tools.img" "${size}M" >/dev/null
	msg "guest: ${G#$TOP/}/tools.img (${size} MiB: ${TOOLS_BINS[*]##*/})"
}

case "${1:-all}" in
common) common ;;
tools) tools ;;
all) common; tools ;;
*) die "usage: image.sh [common|tools|all]" ;;
esac
