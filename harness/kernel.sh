#!/usr/bin/env bash
# kernel.sh: the one place that prepares a kernel for boot.sh, for every
# KERNEL: its tree, its build (out of tree, with the tools/testing/nvdimm
# modules) and the guest's archive of its modules.
#
#   KERNEL=series|base DEBUG=0|1 kernel.sh [config|build]   (default: build)
#   KERNEL=reference kernel.sh: reference.sh (Debian's prebuilt 6.12)
#
# The config is allnoconfig plus config/guest.config (what the guest
# boots on), config/dax.config (what the tests need), for the series
# config/series.config, and for DEBUG=1 config/debug.config.
#
# Output in $OBJ (build/obj/<flavor> or build/base/obj/<flavor>):
#   arch/x86/boot/bzImage, modules.cpio (for the guest: in-tree modules
#   under /lib/modules, nfit_test and the wrapped libnvdimm under
#   /nfit_test), warnings.txt (compiler warnings of what the last,
#   possibly incremental, build compiled).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel_paths
# Debian's prebuilt kernel: nothing to build, only to fetch and unpack
[ "$KERNEL" = reference ] && exec "$TOP/harness/reference.sh"

JOBS=${JOBS:-$(nproc)}
CC_CMD=gcc
if command -v ccache >/dev/null; then
	CC_CMD="ccache gcc"
	export CCACHE_BASEDIR=$BUILD	# relative paths: base and series share hits
	export CCACHE_NOHASHDIR=1
fi
fragments=("$TOP/config/guest.config" "$TOP/config/dax.config")
[ "$KERNEL" = series ] && fragments+=("$TOP/config/series.config")
[ "$FLAVOR" = debug ] && fragments+=("$TOP/config/debug.config")
localversion=-$KERNEL
[ "$FLAVOR" = debug ] && localversion=$localversion-debug

kmake() {
	make -C "$SRC" O="$OBJ" ARCH=x86_64 CC="$CC_CMD" HOSTCC="$CC_CMD" \
		LOCALVERSION= -j"$JOBS" "$@"
}

# check_fragment FILE: every symbol the fragment sets must have survived
# olddefconfig; Kconfig silently drops what it cannot satisfy.
check_fragment() {
	local line sym bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$OBJ/.config" ||
				{ warn "${1#$TOP/}: wanted '$line', got '$(grep "^${line%%=*}=" "$OBJ/.config" || echo unset)'"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			! grep -q "^$sym=" "$OBJ/.config" ||
				{ warn "${1#$TOP/}: wanted $sym unset, got '$(grep "^$sym=" "$OBJ/.config")'"; bad=1; } ;;
		esac
	done < "$1"
	return $bad
}

configure() {
	local want f
	[ -f "$SRC/Makefile" ] || die "no source tree at ${SRC#$TOP/}: run 'make tree'"
	check_version "$SRC"
	want=$(cat "${fragments[@]}" | sha256sum | cut -c1-16)$localversion
	# Up to date: same fragments, and the .config still has their symbols
	# (a make run by hand in $OBJ can drop some).
	if [ -f "$OBJ/.config" ] && [ "$(cat "$OBJ/.config-stamp" 2>/dev/null)" = "$want" ]; then
		for f in "${fragments[@]}"; do
			check_fragment "$f" >/dev/null 2>&1 || { want=stale; break; }
		done
		[ "$want" = stale ] || return 0
		want=$(cat "${fragments[@]}" | sha256sum | cut -c1-16)$localversion
	fi
	mkdir -p "$OBJ"
	msg "configuring $KERNEL kernel ($FLAVOR): allnoconfig + ${fragments[*]##*/}"
	kmake allnoconfig >"$OBJ/config.log" 2>&1
	printf 'CONFIG_LOCALVERSION="%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' \
		"$localversion" > "$OBJ/release.config"
	(cd "$OBJ" && "$SRC/scripts/kconfig/merge_config.sh" -m .config \
		"${fragments[@]}" release.config) >>"$OBJ/config.log" 2>&1
	kmake olddefconfig >>"$OBJ/config.log" 2>&1
	for f in "${fragments[@]}" "$OBJ/release.config"; do
		check_fragment "$f" || die "the kernel config lost symbols of ${f#$TOP/} (see above)"
	done
	echo "$want" > "$OBJ/.config-stamp"
}

# nfit_test's Kbuild reaches into ../../../drivers; build it in a shadow
# copy of just those directories so that no object lands in the source tree.
build_nfit_test() {
	local shadow=$OBJ/nfit_test-src
	mkdir -p "$shadow/tools/testing" "$shadow/drivers/acpi"
	rsync -a --delete "$SRC/tools/testing/nvdimm" "$shadow/tools/testing/"
	rsync -a --delete "$SRC/drivers/nvdimm" "$shadow/drivers/"
	rsync -a "$SRC/drivers/acpi/nfit.c" "$SRC/drivers/acpi/nfit.h" "$shadow/drivers/acpi/"
	kmake M="$shadow/tools/testing/nvdimm" modules
	rm -rf "$OBJ/nfit_test"
	kmake M="$shadow/tools/testing/nvdimm" INSTALL_MOD_PATH="$OBJ/nfit_test" \
		INSTALL_MOD_DIR=nfit_test INSTALL_MOD_STRIP=1 modules_install
}

# modules_cpio: the guest's archive of the kernel's modules and nfit_test.
modules_cpio() {
	local root=$OBJ/modules-root
	rm -rf "$root"
	mkdir -p "$root/lib" "$root/nfit_test"
	cp -a "$OBJ/modroot/lib/modules" "$root/lib/"
	[ -d "$OBJ/nfit_test/lib" ] && cp -a "$OBJ/nfit_test/lib" "$root/nfit_test/"
	cpio_of "$root" "$OBJ/modules.cpio"
}

build() {
	local release
	"$TOP/harness/tree.sh" "$([ "$KERNEL" = base ] && echo base || echo series)"
	configure
	logged "building $KERNEL kernel ($FLAVOR)" "$OBJ/build.log" kmake bzImage modules
	build_warnings "$OBJ/build.log" "$SRC" > "$OBJ/warnings.txt"
	release=$(cat "$OBJ/include/config/kernel.release")
	rm -rf "$OBJ/modroot"
	logged "installing modules ($release)" "$OBJ/modules_install.log" \
		kmake INSTALL_MOD_PATH="$OBJ/modroot" INSTALL_MOD_STRIP=1 modules_install
	# nfit_test failing to build is reported, not fatal: the base's does
	# not build (the series fixes it), and its test case then fails.
	rm -f "$OBJ/nfit_test.failed"
	if ! (logged "building nfit_test modules ($release)" "$OBJ/nfit_test.log" build_nfit_test); then
		grep -m 1 'error:' "$OBJ/nfit_test.log" | sed "s,^.*nfit_test-src/,," > "$OBJ/nfit_test.failed"
		rm -rf "$OBJ/nfit_test"
		warn "nfit_test did not build for $KERNEL: $(cat "$OBJ/nfit_test.failed")"
	fi
	modules_cpio
	msg "kernel: ${OBJ#$TOP/}/arch/x86/boot/bzImage ($release; $(wc -l < "$OBJ/warnings.txt") warning(s) from what this build compiled)"
}

case "${1:-build}" in
config) configure ;;
build) build ;;
*) die "usage: kernel.sh [config|build]" ;;
esac
