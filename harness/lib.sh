# harness/lib.sh: settings and helpers shared by every stage.  Sourced, not run.
#
# The pipeline, one file per stage, data flowing one way:
#   base.sh -> tree.sh -> kernel.sh -> image.sh -> job.sh -> boot.sh -> test.sh
# kernel.sh is the one place that prepares a kernel (series, base or
# reference) for boot.sh; a job file (job.sh) is the only contract of a
# boot.  export.sh goes the other way, from build/linux back into series/.

LINUX_VERSION=4.4.178		# the pinned base: named here and nowhere else
LINUX_URL=${LINUX_URL:-https://cdn.kernel.org/pub/linux/kernel/v4.x/linux-$LINUX_VERSION.tar.xz}

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
SERIES=$TOP/series
CACHE=${DAX_GUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dax-gup}

KERNEL=${KERNEL:-series}	# series | base | reference (prebuilt, see reference.sh)
DEBUG=${DEBUG:-0}		# 1: add config/debug.config (KASAN, lockdep, ...)
V=${V:-0}			# 1: show build output instead of logging it

# The one identity that commits and patches carry.
PROJECT_NAME="dax-gup"
PROJECT_EMAIL="dax-gup@invalid"

# the strings host and guest exchange: RC_MARKER, REMOVAL_MARKER, ...
. "$TOP/guest/markers.sh"

msg()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# kernel_paths: set SRC (source tree), OBJ (output dir) and FLAVOR for
# $KERNEL and $DEBUG.  base and series keep the same relative layout
# (obj/<flavor> two levels below the source's parent) so that ccache,
# with CCACHE_BASEDIR, shares objects between them.
kernel_paths() {
	case "$DEBUG" in
	0|"") FLAVOR=default ;;
	1) FLAVOR=debug ;;
	*) die "DEBUG must be 0 or 1, not '$DEBUG'" ;;
	esac
	case "$KERNEL" in
	series) SRC=$BUILD/linux;      OBJ=$BUILD/obj/$FLAVOR ;;
	base)   SRC=$BUILD/base/linux; OBJ=$BUILD/base/obj/$FLAVOR ;;
	# Debian's prebuilt 6.12, unpacked by reference.sh; nothing to build
	reference)
		[ "$FLAVOR" = default ] || die "KERNEL=reference has no DEBUG=1 flavor"
		SRC=; OBJ=$BUILD/reference/obj ;;
	*) die "KERNEL must be 'series', 'base' or 'reference', not '$KERNEL'" ;;
	esac
}

# robot_out DIR ARCH: robot.sh's output directory for ARCH under DIR
# (ARCH-small with ROBOT_CONFIG=small).
robot_out() {
	if [ "${ROBOT_CONFIG:-defconfig}" = small ]; then echo "$1/$2-small"; else echo "$1/$2"; fi
}

# build_warnings LOG SRC: a build log's warning lines, sorted and unique,
# with the source tree's path dropped (SRC, or ../../linux as ccache's
# relative paths leave it).
build_warnings() {
	grep -E 'warning:' "$1" | sed "s,$2/,,; s,^\(\.\./\)*linux/,," | sort -u || true
}

# series_hash: a digest of series/series and the patches it names.
series_hash() {
	(cd "$SERIES" && cat series 2>/dev/null
	 { grep -v '^#' series 2>/dev/null || true; } | xargs -r cat) |
		sha256sum | cut -c1-16
}

# makefile_version DIR: print the x.y.z a kernel tree's top Makefile names.
makefile_version() {
	awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2}
		/^SUBLEVEL =/{s=$2} /^EXTRAVERSION =/{e=$2; exit}
		END{printf "%s.%s.%s%s\n", v, p, s, e}' "$1/Makefile"
}

# check_version DIR: refuse any tree that is not the pinned base.
check_version() {
	local got
	[ -f "$1/Makefile" ] || die "$1 is not a kernel tree (no Makefile)"
	got=$(makefile_version "$1")
	[ "$got" = "$LINUX_VERSION" ] ||
		die "$1 is Linux $got, not $LINUX_VERSION: refusing to use it"
}

# need CMD PACKAGE...: fail with the fix when a host tool is missing.
need() {
	local cmd=$1; shift
	command -v "$cmd" >/dev/null 2>&1 ||
		die "'$cmd' not found: run 'make deps' (Debian package: $*)"
}

# logged TITLE LOG CMD...: run a long step with its output in LOG, a
# progress line every 30 s, and on failure the lines that matter.
logged() {
	local title=$1 log=$2 start pid rc=0
	shift 2
	mkdir -p "$(dirname "$log")"
	start=$(date +%s)
	msg "$title (log: ${log#$TOP/})"
	if [ "$V" = 1 ]; then
		"$@" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		"$@" >"$log" 2>&1 &
		pid=$!
		while ! wait_timeout "$pid" 30; do
			msg "  ... $title: $(( $(date +%s) - start ))s"
		done
		wait "$pid" || rc=$?
	fi
	if [ "$rc" != 0 ]; then
		printf 'error: %s failed (exit %s); the lines that matter:\n' "$title" "$rc" >&2
		grep -E -m 15 '(error|Error|ERROR|fatal|No rule|undefined reference)' "$log" >&2 ||
			tail -n 15 "$log" >&2
		die "full log: $log"
	fi
	msg "  done: $title in $(( $(date +%s) - start ))s"
}

# wait_timeout PID SECONDS: true once PID has exited, false after SECONDS.
wait_timeout() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	! kill -0 "$1" 2>/dev/null
}

# cpio_of DIR OUT: a newc archive of DIR, owned by root, in a stable order.
cpio_of() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) > "$2.tmp"
	mv "$2.tmp" "$2"
}

# kv_get FILE KEY: one value of a key=value file: a job (job.sh), a
# boot's verdict (boot.sh).  Empty when FILE is missing (no verdict:
# the boot did not get that far).
kv_get() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1
}

# drop_disks DIR FAILED: when a test case is done, the files its boots
# wrote in DIR that the logs do not need: NVDIMM and scratch images (up
# to 6 GiB, much of it written) and initrds.  Kept when KEEP_DISKS=1,
# or when the case FAILED (non-empty) and KEEP_DISKS is not 0; CI's
# default is 0.  Without this a whole 'make test' leaves ~35 GiB behind.
drop_disks() {
	local keep=${KEEP_DISKS:-}
	[ -n "$keep" ] || { [ "${CI:-}" = true ] && keep=0; }
	[ "$keep" = 1 ] && return 0
	[ -n "$2" ] && [ "$keep" != 0 ] && return 0
	rm -f "$1"/*.img "$1"/*.initrd "$1"/*.payload.cpio
}
