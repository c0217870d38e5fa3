#!/bin/sh
# pfn-bad.sh sysfs|infoblock|unaligned|small: bad input to a pfn device.
# Each case must be refused with an error, logged where the attribute
# cannot say why, and change nothing: not the attributes, not the media.
#
#   sysfs      garbage written to mode, uuid and namespace; a write while
#              enabled; enabling without a mode
#   infoblock  a corrupted info block and checksum-valid ones that do not
#              fit the namespace, found at probe; a mode that does not
#              match the info block's, when enabling
#   unaligned  (two 192 MiB NVDIMMs) namespace1.0 starts inside a
#              memory section; namespace0.0 ends inside one, and an
#              info block that counts pages beyond its last section
#   small      (a 64 MiB NVDIMM) a namespace smaller than a section
# The series' pfn device checks (the base has no location "pmem").
# @case pfn-bad-sysfs      sysfs      kernels=series
# @case pfn-bad-infoblock  infoblock  kernels=series
# @case pfn-bad-unaligned  unaligned  kernels=series nvdimms=2 nvdimm_size=192M
# @case pfn-bad-small      small      kernels=series nvdimm_size=64M
. /daxgup/lib.sh
what=$1
UNBIND=/sys/bus/nd/drivers/nd_pmem/unbind BIND=/sys/bus/nd/drivers/nd_pmem/bind

# refused FILE VALUE: writing VALUE to FILE fails
refused() { ! echo "$2" > "$1" 2>/dev/null; }
# logged PATTERN: the kernel logged PATTERN since the last 'dmesg -c'
logged() {
	dmesg | grep -q "$1" || { echo "kernel log lacks '$1':"; dmesg | tail -n 5; return 1; }
}
# head8k DEV: checksum of the label area and info block
head8k() { dd if="$1" bs=4096 count=2 2>/dev/null | md5sum | cut -d' ' -f1; }
# untouched NS PFN: release NS from PFN, enable it raw: its first 8 KiB
# (label area and info block) must still be zeros
untouched() {
	local n dev=/dev/pmem${1#namespace}
	dev=${dev%.0}
	echo > $ND/$2/namespace && echo "$1" > $BIND && wait_for $dev 5 || return 1
	n=$(dd if=$dev bs=4096 count=2 2>/dev/null | tr -d '\000' | wc -c)
	[ "$n" = 0 ] || { echo "$n non-zero bytes"; return 1; }
}
# pfn_setup PFN UUID MODE NAMESPACE: configure (not enable) a pfn device
pfn_setup() {
	echo "$2" > $ND/$1/uuid && echo "$3" > $ND/$1/mode &&
		echo "$4" > $ND/$1/namespace
}
# raw_probe: re-enable namespace0.0, letting nd_pmem look for an info
# block; the result must be the raw /dev/pmem0, no pfn device
raw_probe() {
	reprobe
	sleep 0.5
	if pfn=$(active_pfn); then echo "$pfn came up"; return 1; fi
	wait_for /dev/pmem0 5
}

# pfn_probe: the same, but the info block's pfn device must come up
pfn_probe() {
	reprobe
	wait_for /dev/pmem0m 5 && active_pfn > /dev/null
}

# reprobe: re-enable namespace0.0, letting nd_pmem look for an info block
reprobe() {
	echo namespace0.0 > $UNBIND; echo 0 > $ND/namespace0.0/force_raw
	dmesg -c > /dev/null
	echo namespace0.0 > $BIND
}

# same_block PFN: release namespace0.0 from PFN, read it raw: the info
# block is the good one saved in /tmp/good
same_block() {
	echo > $ND/$1/namespace && echo 1 > $ND/namespace0.0/force_raw &&
		echo namespace0.0 > $BIND && wait_for /dev/pmem0 5 &&
		test "$($BIN/pfn_sb /dev/pmem0 show)" = "$($BIN/pfn_sb /tmp/good show)"
}
# right_mode PFN UUID: PFN with the info block's uuid and mode enables,
# and the file written before is there.  (Releasing its namespace in
# same_block reset PFN.)
right_mode() {
	echo namespace0.0 > $UNBIND && echo 0 > $ND/namespace0.0/force_raw &&
		pfn_setup "$1" "$2" pmem namespace0.0 &&
		echo "$1" > $BIND && wait_for /dev/pmem0m 5 &&
		mount_dax ext4 /dev/pmem0m && $BIN/mmap_pattern verify $DAX/f 1048576 5 &&
		umount $DAX
}

check "load libnvdimm" load_nvdimm || exit 1
seed=$(cat $ND/region0/pfn_seed)
case "$what" in
sysfs)
	for v in p r n '' ramx pmem2 RAM 'ram ram'; do
		check "mode '$v' is refused" refused $ND/$seed/mode "$v"
	done
	check "mode is still none" test "$(cat $ND/$seed/mode)" = none
	for v in not-a-uuid 1234 ''; do
		check "uuid '$v' is refused" refused $ND/$seed/uuid "$v"
	done
	check "uuid is still unset" test -z "$(cat $ND/$seed/uuid)"
	for v in namespace9.9 region0 "$seed"; do
		check "namespace '$v' is refused" refused $ND/$seed/namespace "$v"
	done
	check "namespace is still unset" test -z "$(cat $ND/$seed/namespace)"

	echo namespace0.0 > $UNBIND
	dmesg -c > /dev/null
	pfn_setup "$seed" "$(cat /proc/sys/kernel/random/uuid)" none namespace0.0
	check "enabling with mode none is refused" refused $BIND "$seed"
	check "... and logged" logged "no memmap location"
	check "enable with mode ram" sh -c "echo ram > $ND/$seed/mode && echo $seed > $BIND"
	check "mode cannot change while enabled" refused $ND/$seed/mode pmem
	check "uuid cannot change while enabled" \
		refused $ND/$seed/uuid "$(cat /proc/sys/kernel/random/uuid)"
	check "mode is still ram" test "$(cat $ND/$seed/mode)" = ram
	check "disable" sh -c "echo $seed > $UNBIND"
	;;
infoblock)
	check "namespace0.0 in mode pfn-pmem" setup_namespace pfn-pmem || exit 1
	pfn=$(active_pfn) && uuid=$(cat $ND/$pfn/uuid)
	check "mkfs.ext4" make_fs ext4 $PMEM
	check "mount -o dax" mount_dax ext4 $PMEM
	check "a file written through a DAX mmap" $BIN/mmap_pattern write $DAX/f 1048576 5
	check "umount" umount $DAX
	check "disable $pfn and release namespace0.0" \
		sh -c "echo $pfn > $UNBIND && echo > $ND/$pfn/namespace"
	check "namespace0.0 raw (force_raw)" sh -c "echo 1 > $ND/namespace0.0/force_raw &&
		echo namespace0.0 > $BIND" && wait_for /dev/pmem0 5
	show "the info block" $BIN/pfn_sb /dev/pmem0 show
	dd if=/dev/pmem0 of=/tmp/good bs=4096 count=2 2>/dev/null
	good=$(head8k /dev/pmem0)
	dataoff=$($BIN/pfn_sb /dev/pmem0 show | sed 's/.*dataoff=\([0-9]*\).*/\1/')
	size=$(cat $ND/namespace0.0/size)
	# the memmap's room is fixed by the layout, whatever this kernel's
	# struct page: 2M, 64 bytes per page of the whole 128M sections
	# (a multiple of 2M), and one spare 2M block
	cap=$((size / (128 << 20) * (128 << 20)))
	want=$(((2 << 20) + cap / 4096 * 64 + (2 << 20)))
	check "the data offset is 2M + 64 bytes a page + 2M ($want)" \
		test "$dataoff" = "$want"
	# name|how to damage it|what the kernel must log
	while IFS='|' read -r name damage msg; do
		echo namespace0.0 > $UNBIND; echo 1 > $ND/namespace0.0/force_raw
		echo namespace0.0 > $BIND; wait_for /dev/pmem0 5
		dd if=/tmp/good of=/dev/pmem0 bs=4096 count=2 conv=fsync 2>/dev/null
		# shellcheck disable=SC2086
		$BIN/pfn_sb /dev/pmem0 $damage || { not_ok "$name: damage it"; continue; }
		bad=$(head8k /dev/pmem0)
		check "$name: comes up raw, no pfn device" raw_probe
		check "$name: logged" logged "$msg"
		check "$name: info block unchanged" test "$(head8k /dev/pmem0)" = "$bad"
	done <<-EOF
	corrupted (bad checksum)|corrupt|checksum mismatch
	data offset inside the memmap|set dataoff 8192|does not fit location pmem
	data offset beyond the namespace|set dataoff $size|exceeds capacity
	unaligned data offset|set dataoff $((dataoff + 512))|does not fit location pmem
	2M short of this kernel's memmap|set dataoff $((want - (4 << 20)))|does not fit location pmem
	unknown mode|set mode 7|unknown mode 7
	more pages than the namespace|set npfns $((size / 4096))|more than the namespace holds
	EOF

	# no spare block, just this kernel's 64-byte struct pages: what an
	# info block sized by sizeof(struct page) holds; it still fits
	echo namespace0.0 > $UNBIND; echo 1 > $ND/namespace0.0/force_raw
	echo namespace0.0 > $BIND; wait_for /dev/pmem0 5
	dd if=/tmp/good of=/dev/pmem0 bs=4096 count=2 conv=fsync 2>/dev/null
	less=$((want - (2 << 20)))
	$BIN/pfn_sb /dev/pmem0 set dataoff $less npfns $(((cap - less) / 4096))
	check "a data offset of just this kernel's memmap ($less) comes up" \
		pfn_probe
	check "... /dev/pmem0m starts there ($(((cap - less) >> 20)) MiB)" \
		test "$(cat /sys/block/pmem0m/size)" = $(((cap - less) / 512))
	pfn=$(active_pfn) && echo "$pfn" > $UNBIND && echo > $ND/$pfn/namespace

	echo namespace0.0 > $UNBIND; echo 1 > $ND/namespace0.0/force_raw
	echo namespace0.0 > $BIND; wait_for /dev/pmem0 5
	dd if=/tmp/good of=/dev/pmem0 bs=4096 count=2 conv=fsync 2>/dev/null
	check "the good info block is back" test "$(head8k /dev/pmem0)" = "$good"
	echo namespace0.0 > $UNBIND
	dmesg -c > /dev/null
	seed=$(cat $ND/region0/pfn_seed)
	pfn_setup "$seed" "$uuid" ram namespace0.0
	check "same uuid, mode ram: enabling is refused" refused $BIND "$seed"
	check "... and logged" logged "info block is for location pmem, not ram"
	check "... info block unchanged" same_block "$seed"
	check "same uuid, mode pmem: enabled, with the data" right_mode "$seed" "$uuid"
	;;
unaligned)
	seed1=$(cat $ND/region1/pfn_seed)
	show "namespace1.0 starts inside a section" \
		awk '/Persistent Memory/ { print }' /proc/iomem
	echo namespace1.0 > $UNBIND
	dmesg -c > /dev/null
	pfn_setup "$seed1" "$(cat /proc/sys/kernel/random/uuid)" pmem namespace1.0
	check "namespace1.0: enabling is refused" refused $BIND "$seed1"
	check "... and logged" logged "namespace1.0 is not aligned to memory sections"
	check "... namespace1.0 still enables raw, nothing written" \
		untouched namespace1.0 "$seed1"
	dmesg -c > /dev/null
	check "namespace0.0 (192 MiB) in mode pfn-pmem" setup_namespace pfn-pmem
	check "... uses its first 128 MiB, and says so" logged "using the first 128 MiB"
	check "... /dev/pmem0m is 128 MiB less 2 MiB, the memmap and a spare 2 MiB (122 MiB)" \
		test "$(cat /sys/block/pmem0m/size)" = $((122 * 2048))
	# 4.4 wrote "ram" info blocks that count the pages up to the end of
	# the namespace; pages come in whole sections only, so using one
	# would shrink the block device under its filesystem
	pfn=$(active_pfn)
	check "disable $pfn, namespace0.0 raw" sh -c "echo $pfn > $UNBIND &&
		echo > $ND/$pfn/namespace && echo 1 > $ND/namespace0.0/force_raw &&
		echo namespace0.0 > $BIND" && wait_for /dev/pmem0 5
	npfns=$((((192 << 20) - 8192) / 4096))
	check "an info block as 4.4 wrote it for ram: 8K, $npfns pages" \
		$BIN/pfn_sb /dev/pmem0 set mode 1 dataoff 8192 npfns $npfns
	check "... comes up raw, no pfn device" raw_probe
	check "... logged" logged "more than the namespace holds in whole memory sections"
	;;
small)
	echo namespace0.0 > $UNBIND
	dmesg -c > /dev/null
	pfn_setup "$seed" "$(cat /proc/sys/kernel/random/uuid)" pmem namespace0.0
	check "a 64 MiB namespace: enabling is refused" refused $BIND "$seed"
	check "... and logged" logged "namespace0.0 is too small"
	check "... namespace0.0 still enables raw, nothing written" \
		untouched namespace0.0 "$seed"
	;;
*)
	not_ok "pfn-bad.sh: unknown case '$what'"
	;;
esac
