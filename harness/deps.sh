#!/usr/bin/env bash
# deps.sh: install the Debian packages the harness needs, if missing.
#
#   deps.sh [build|guest|robot|bench|mail|all]    (default: build guest)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=(gcc make libc6-dev bc flex bison libelf-dev libssl-dev perl ccache rsync
	cpio kmod xz-utils curl)
guest=(qemu-system-x86 busybox-static ndctl fio e2fsprogs xfsprogs strace dmsetup)
robot=(gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-powerpc64le-linux-gnu
	gcc-arm-linux-gnueabihf gcc-mips-linux-gnu gcc-s390x-linux-gnu)
bench=(gnuplot-nox dpkg apt)		# plots; the reference kernel's package
mail=(git git-email libmailtools-perl libemail-valid-perl perl	# send-email, get_maintainer.pl
	libio-socket-ssl-perl libauthen-sasl-perl)	# to send for real: SMTP over TLS

want=()
for g in "${@:-build guest}"; do
	for g1 in $g; do
		case "$g1" in
		build) want+=("${build[@]}") ;;
		guest) want+=("${guest[@]}") ;;
		robot) want+=("${robot[@]}") ;;
		bench) want+=("${bench[@]}") ;;
		mail) want+=("${mail[@]}") ;;
		all) want+=("${build[@]}" "${guest[@]}" "${robot[@]}" "${bench[@]}" "${mail[@]}") ;;
		*) die "usage: deps.sh [build|guest|robot|bench|mail|all]" ;;
		esac
	done
done

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

command -v apt-get >/dev/null || die "no apt-get: install by hand: ${missing[*]}"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
msg "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null || warn "apt-get update failed; trying the install anyway"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install failed for: ${missing[*]}"
