#!/usr/bin/env bash
# reference.sh: the reference kernel (benchmarks, guest-run), Debian's prebuilt
# Linux 6.12 (the upstream descendant of this design), ready to boot with
# boot.sh like the kernels we build.
#
#   KERNEL=reference: $OBJ = build/reference/obj, with
#     arch/x86/boot/bzImage   Debian's vmlinuz
#     modules.cpio            the modules the guest needs, uncompressed,
#                             their modules.dep, and EARLY_LIST
#                             (guest/markers.sh): what /init loads before
#                             it can mount /tools
#
# The package (REFERENCE_PKG, default the newest linux-image-6.12.*+deb12-
# amd64-unsigned that apt knows) is fetched with 'apt-get download' into the
# cache and unpacked with 'dpkg-deb -x'; nothing is installed on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
KERNEL=reference kernel_paths

# The modules the guest loads: disks and filesystems, libnvdimm and fsdax,
# the ramdisk of the pin-rate benchmark.  EARLY: for the tools disk.
EARLY=(virtio_blk ext4)
WANT=(virtio_blk ext4 xfs nfit nd_pmem nd_btt dax_pmem brd)

need apt-get apt
need dpkg-deb dpkg
need depmod kmod
need xz xz-utils
need cpio cpio

pkg=${REFERENCE_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -n 1) || true
	[ -n "$pkg" ] || die "apt knows no linux-image-6.12.*+deb12-amd64-unsigned: run 'apt-get update' (bookworm-backports or bookworm-security), or set REFERENCE_PKG"
fi
debdir=$CACHE/reference
deb=$(ls "$debdir/${pkg}"_*.deb 2>/dev/null | tail -n 1) || true
if [ -z "$deb" ]; then
	mkdir -p "$debdir"
	msg "reference: apt-get download $pkg (about 100 MiB)"
	(cd "$debdir" && apt-get download -qq "$pkg" 2>&1 |
		{ grep -v '^W: Download is performed unsandboxed' >&2 || true; }) ||
		die "apt-get download $pkg failed: no network or no such package (REFERENCE_PKG)"
	deb=$(ls "$debdir/${pkg}"_*.deb | tail -n 1)
fi

root=$BUILD/reference/root
stamp=$OBJ/.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(basename "$deb")" ] &&
   [ -f "$OBJ/modules.cpio" ] && [ "$OBJ/modules.cpio" -nt "$0" ] && [ "$OBJ/modules.cpio" -nt "$TOP/guest/markers.sh" ]; then
	exit 0
fi
msg "reference: unpacking ${deb#$CACHE/}"
rm -rf "$root" "$OBJ"
mkdir -p "$root" "$OBJ/arch/x86/boot"
dpkg-deb -x "$deb" "$root"
release=$(ls "$root/lib/modules")
[ -n "$release" ] && [ -f "$root/boot/vmlinuz-$release" ] || die "$deb holds no kernel"
cp "$root/boot/vmlinuz-$release" "$OBJ/arch/x86/boot/bzImage"
cp "$root/boot/config-$release" "$OBJ/.config"
depmod -b "$root" "$release"

# deps MODULE...: the module files MODULE needs, in load order.
deps() {
	modprobe -C /dev/null -d "$root" -S "$release" --show-depends "$@" |
		awk '$1 == "insmod" { print $2 }'
}
mods=$OBJ/modules-root
moddir=$mods/lib/modules/$release
mkdir -p "$moddir"
for m in "${WANT[@]}"; do
	for f in $(deps "$m"); do
		rel=${f#$root/lib/modules/$release/}
		[ -f "$moddir/${rel%.xz}" ] && continue
		mkdir -p "$moddir/$(dirname "$rel")"
		xz -dc "$f" > "$moddir/${rel%.xz}"
	done
done
cp "$root/lib/modules/$release"/modules.{order,builtin,builtin.modinfo} "$moddir/"
depmod -b "$mods" "$release"
root=$mods deps "${EARLY[@]}" | sed "s,^$mods,," > "$mods$EARLY_LIST"
cpio_of "$mods" "$OBJ/modules.cpio"
basename "$deb" > "$stamp"
msg "reference: Linux $release, $(find "$moddir" -name '*.ko' | wc -l) modules in ${OBJ#$TOP/}/modules.cpio ($(du -h "$OBJ/modules.cpio" | cut -f1))"
