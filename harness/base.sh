#!/usr/bin/env bash
# base.sh: find the pinned base tarball and unpack it.
#
#   base.sh tarball        print the tarball's path, downloading it if need be
#   base.sh extract DIR    unpack a pristine tree into DIR (which must not exist)
#
# Looked for in this order: $LINUX_TARBALL; $CACHE/linux-<ver>.tar.xz
# (../shared/tools/stage-base writes it there); kernel.org, into $CACHE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball() {
	local t=$CACHE/linux-$LINUX_VERSION.tar.xz
	if [ -n "${LINUX_TARBALL:-}" ]; then
		[ -f "$LINUX_TARBALL" ] || die "LINUX_TARBALL=$LINUX_TARBALL does not exist"
		echo "$LINUX_TARBALL"
		return
	fi
	if [ ! -f "$t" ]; then
		need curl curl
		mkdir -p "$CACHE"
		msg "downloading Linux $LINUX_VERSION from $LINUX_URL"
		if ! curl -fL --connect-timeout 10 --retry 1 -o "$t.part" "$LINUX_URL"; then
			rm -f "$t.part"
			die "no Linux $LINUX_VERSION tarball here, and the download failed (no network?).  Provide one:
  - put linux-$LINUX_VERSION.tar.xz at $t, or
  - set LINUX_TARBALL=/path/to/linux-$LINUX_VERSION.tar.xz, or
  - run ../shared/tools/stage-base SOURCE (a git tree, source dir or tarball)"
		fi
		mv "$t.part" "$t"
	fi
	echo "$t"
}

extract() {
	local dest=$1 t
	[ ! -e "$dest" ] || die "$dest already exists"
	t=$(tarball)
	mkdir -p "$(dirname "$dest")"
	tmp=$(mktemp -d "$(dirname "$dest")/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	msg "unpacking $(basename "$t") into ${dest#$TOP/}"
	case "$t" in
	*.tar.xz) tar -C "$tmp" -xJf "$t" ;;
	*.tar.gz) tar -C "$tmp" -xzf "$t" ;;
	*) tar -C "$tmp" -xf "$t" ;;
	esac
	[ -d "$tmp/linux-$LINUX_VERSION" ] ||
		die "$t does not unpack to linux-$LINUX_VERSION/"
	check_version "$tmp/linux-$LINUX_VERSION"
	mv "$tmp/linux-$LINUX_VERSION" "$dest"
}

case "${1:-}" in
tarball) tarball ;;
extract) extract "${2:?usage: base.sh extract DIR}" ;;
*) die "usage: base.sh tarball | extract DIR" ;;
esac
