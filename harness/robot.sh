#!/usr/bin/env bash
# robot.sh: the multi-arch build check.  Builds KERNEL (series or base)
# for each arch in ARCHES with Debian's cross compilers, defconfig plus
# config/robot.config, and reports one line per arch.
#
#   ARCHES="i386 arm64 ppc64le" KERNEL=series robot.sh
#
# Output in build/robot/<arch> (build/base/robot/<arch> for KERNEL=base);
# each has build.log and warnings.txt.  ROBOT_SRC and ROBOT_DIR override
# the source tree and the output's parent (per-patch.sh uses them), and
# TARGETS the make targets (default "vmlinux modules"; "arch/arm/kvm/"
# builds one directory).  ROBOT_CONFIG=small (x86_64, i386, arm64)
# starts from allnoconfig plus the guest's fragments and
# config/robot-<arch>.config instead of defconfig: a third of the build,
# for per-patch runs; output in build/robot/<arch>-small.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kernel_paths

ARCHES=${ARCHES:-i386 arm64 ppc64le}
case "${ROBOT_CONFIG:=defconfig}" in
defconfig|small) ;;
*) die "unknown ROBOT_CONFIG '$ROBOT_CONFIG': defconfig (the default) or small" ;;
esac
JOBS=${JOBS:-$(nproc)}
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
[ -f "$SRC/Makefile" ] || die "no source tree at ${SRC#$TOP/}: run 'make tree'"
check_version "$SRC"
robot=$(dirname "$(dirname "$OBJ")")/robot	# build/robot or build/base/robot
SRC=${ROBOT_SRC:-$SRC}
robot=${ROBOT_DIR:-$robot}

build_arch() {
	local a=$1 arch cross defconfig out sym frags extra=()
	case "$a" in
	i386) arch=i386; cross=i686-linux-gnu-; defconfig=i386_defconfig ;;
	x86_64) arch=x86_64; cross=; defconfig=x86_64_defconfig ;;
	arm64) arch=arm64; cross=aarch64-linux-gnu-; defconfig=defconfig ;;
	ppc64le) arch=powerpc; cross=powerpc64le-linux-gnu-; defconfig=pseries_le_defconfig ;;
	# 4.4's arch/arm/Makefile falls back to -march=armv5t when its
	# cc-option test of -march=armv6k fails, as it does with gcc 12, and
	# gcc 12 then overrides the -Wa,-march it adds: v7 barriers do not
	# assemble.  The kernel is v7-only here; say so last.
	arm) arch=arm; cross=arm-linux-gnueabihf-; defconfig=multi_v7_defconfig
	     extra=(KCFLAGS=-march=armv7-a) ;;
	mips) arch=mips; cross=mips-linux-gnu-; defconfig=malta_kvm_defconfig ;;
	s390) arch=s390; cross=s390x-linux-gnu-; defconfig=defconfig ;;
	*) die "unknown arch '$a' (i386, x86_64, arm64, ppc64le, arm, mips, s390)" ;;
	esac
	need "${cross}gcc" "gcc-${cross%-}"
	out=$(robot_out "$robot" "$a")
	frags=()
	if [ "$ROBOT_CONFIG" = small ]; then
		case "$a" in x86_64|i386|arm64) ;;
		*) die "ROBOT_CONFIG=small is for x86_64, i386 and arm64 (not $a): unset it" ;;
		esac
		defconfig=allnoconfig
		frags=("$TOP/config/guest.config" "$TOP/config/dax.config")
	fi
	mkdir -p "$out"
	rmake() {
		make -C "$SRC" O="$out" ARCH=$arch CROSS_COMPILE=$cross \
			CC="ccache ${cross}gcc" HOSTCC="ccache gcc" \
			HOSTCFLAGS="-fcommon" "${extra[@]}" -j"$JOBS" "$@"
	}
	rmake $defconfig > "$out/config.log" 2>&1
	frags+=("$TOP/config/robot.config")
	[ -f "$TOP/config/robot-$a.config" ] && frags+=("$TOP/config/robot-$a.config")
	(cd "$out" && "$SRC/scripts/kconfig/merge_config.sh" -m .config \
		"${frags[@]}") >> "$out/config.log" 2>&1
	rmake olddefconfig >> "$out/config.log" 2>&1
	for sym in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' "${frags[@]}"); do
		grep -q "^$sym=" "$out/.config" || echo "$sym"
	done | tr '\n' ' ' > "$out/dropped.txt"
	# vmlinux and modules, not the arch's boot images: ppc64le's boot
	# wrapper does not link with binutils 2.40 ("PHDR segment not covered
	# by LOAD segment"), which says nothing about the kernel's code.
	logged "robot: $KERNEL for $a${TARGETS:+ ($TARGETS)}" "$out/build.log" \
		rmake ${TARGETS:-vmlinux modules}
	build_warnings "$out/build.log" "$SRC" > "$out/warnings.txt"
	echo "robot: $a: ok, $(wc -l < "$out/warnings.txt") warning(s); not available on $a: $(cat "$out/dropped.txt")"
}

if [ "${1:-}" = --arch ]; then
	build_arch "$2"
	exit
fi
failed=()
for a in $ARCHES; do
	"$0" --arch "$a" || failed+=("$a")
done
[ ${#failed[@]} = 0 ] || die "robot: $KERNEL failed to build for: ${failed[*]}"
msg "robot: $KERNEL builds for: $ARCHES"
