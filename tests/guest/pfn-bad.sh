#!/bin/sh
# pfn-bad.sh sysfs|align|infoblock|unaligned|small: bad input to a pfn
# device.
# Each case must be refused with an error, logged where the attribute
# cannot say why, and change nothing: not the attributes, not the media.
#
#   sysfs      garbage written to mode, uuid and namespace; a write while
#              enabled; enabling without a mode
#   align      bad alignments; one that differs from the info block's,
#              under the same uuid; the info block records it
#   infoblock  a corrupted info block and checksum-valid ones that do not
#              fit the namespace, found at probe; a mode that does not
#              match the info block's, when enabling
#   unaligned  (two 192 MiB NVDIMMs) namespace1.0 starts inside the
#              memory section that namespace0.0 ends in: both work as
#              pfn devices at once, each with a pad recorded in its info
#              block; an info block that counts pages beyond the last
#              section is refused
#   small      (a 64 MiB NVDIMM) a namespace smaller than a section
# The series' pfn device checks (the base has no location "pmem").
# @case pfn-bad-sysfs      sysfs      kernels=series
# @case pfn-bad-align      align      kernels=series
# @case pfn-bad-infoblock  infoblock  kernels=series
# @case pfn-bad-unaligned  unaligned  kernels=series nvdimms=2 nvdimm_size=192M
# @case pfn-bad-small      small      kernels=series nvdimm_size=64M
. /daxgup/lib.sh
what=$1
UNBIND=/sys/bus/nd/drivers/nd_pmem/unbind BIND=/sys/bus/nd/drivers/nd_pmem/bind

# refused FILE VALUE: writing VALUE to FILE fails
refused() { ! echo "$2" > "$1" 2>/dev/null; }
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
	check "... and region0 plants a new pfn seed (ndctl takes the seed)" \
		test "$(cat $ND/region0/pfn_seed)" != "$seed" -a -e "$ND/$(cat $ND/region0/pfn_seed)"
	check "mode cannot change while enabled" refused $ND/$seed/mode pmem
	check "uuid cannot change while enabled" \
		refused $ND/$seed/uuid "$(cat /proc/sys/kernel/random/uuid)"
	check "mode is still ram" test "$(cat $ND/$seed/mode)" = ram
	check "disable" sh -c "echo $seed > $UNBIND"
	;;
align)
	for v in 0 1 3 4095 6144 4194304 1073741824 x ''; do
		check "align '$v' is refused" refused $ND/$seed/align "$v"
	done
	check "align is still 2 MiB, the default" test "$(cat $ND/$seed/align)" = 2097152
	echo namespace0.0 > $UNBIND
	dmesg -c > /dev/null
	uuid=$(cat /proc/sys/kernel/random/uuid)
	pfn_setup "$seed" "$uuid" ram namespace0.0
	check "align 4096 is taken before enabling" sh -c "echo 4096 > $ND/$seed/align"
	check "enable with mode ram, align 4K" sh -c "echo $seed > $BIND" &&
		wait_for /dev/pmem0m 5
	check "align cannot change while enabled" refused $ND/$seed/align 2097152
	check "align is still 4096" test "$(cat $ND/$seed/align)" = 4096
	check "disable $seed and release namespace0.0" \
		sh -c "echo $seed > $UNBIND && echo > $ND/$seed/namespace"
	# the released device is idle and not the seed: it goes away
	seed=$(cat $ND/region0/pfn_seed)
	check "the region's new seed ($seed) has the default align" \
		test "$(cat $ND/$seed/align)" = 2097152
	check "namespace0.0 raw (force_raw)" sh -c "echo 1 > $ND/namespace0.0/force_raw &&
		echo namespace0.0 > $BIND" && wait_for /dev/pmem0 5
	sb=$($BIN/pfn_sb /dev/pmem0 show)
	echo "# $sb"
	dd if=/dev/pmem0 of=/tmp/good bs=4096 count=2 2>/dev/null
	check "the info block is version 1.2 and records align 4096" \
		sh -c "echo '$sb' | grep -q 'minor=2 .*align=4096'"
	check "... and data at 8K, the first 4K boundary after it" \
		sh -c "echo '$sb' | grep -q 'dataoff=8192 '"
	echo namespace0.0 > $UNBIND
	dmesg -c > /dev/null
	pfn_setup "$seed" "$uuid" ram namespace0.0
	echo 2097152 > $ND/$seed/align
	check "same uuid, align 2M: enabling is refused" refused $BIND "$seed"
	check "... and logged" logged "info block has align 4096, not 2097152"
	check "... info block unchanged" same_block "$seed"
	check "probing brings the device back" pfn_probe
	pfn=$(active_pfn)
	check "... align reads 4096" test "$(cat $ND/$pfn/align)" = 4096
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
	alignment not a power of two|set align 12288|bad alignment 0x3000
	data offset off its alignment|set dataoff $((dataoff + 4096)) npfns $(((cap - dataoff - 4096) / 4096))|is not aligned to its alignment
	start pad that leaves no section boundary|set start_pad 4096|do not leave whole memory sections
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
	# QEMU puts the second NVDIMM right after the first: namespace1.0
	# starts 64 MiB into a section whose first half is namespace0.0's
	show "namespace1.0 starts inside a section" \
		awk '/Persistent Memory|namespace/ { print }' /proc/iomem
	S=$((128 << 20))
	start=$(($(cat $ND/namespace1.0/resource))) size1=$(cat $ND/namespace1.0/size)
	pad=$(((S - start % S) % S)) trim=$(((start + size1) % S))
	pages=$((size1 - pad - trim))
	echo "# namespace1.0: start $start, size $size1: pad $pad, trim $trim"
	# "pmem": 2M, 64 bytes a page in 2M blocks, a spare 2M block
	dataoff=$(((4 << 20) + pages / 64))
	seed1=$(cat $ND/region1/pfn_seed)
	uuid1=$(cat /proc/sys/kernel/random/uuid)
	echo namespace1.0 > $UNBIND
	dmesg -c > /dev/null
	pfn_setup "$seed1" "$uuid1" pmem namespace1.0
	check "namespace1.0 in mode pfn-pmem: enabled" sh -c "echo $seed1 > $BIND" &&
		wait_for /dev/pmem1m 5
	check "... pads logged: start $((pad >> 10)) KiB, end $((trim >> 10)) KiB" \
		logged "namespace1.0: start pad $((pad >> 10)) KiB, end trim $((trim >> 10)) KiB"
	check "... /dev/pmem1m is its whole sections less the memmap area ($(((pages - dataoff) >> 20)) MiB)" \
		test "$(cat /sys/block/pmem1m/size)" = $(((pages - dataoff) / 512))
	dmesg -c > /dev/null
	check "namespace0.0 (192 MiB), in the same section, in mode pfn-pmem" \
		setup_namespace pfn-pmem
	check "... pads logged: end trim 64 MiB" \
		logged "namespace0.0: start pad 0 KiB, end trim 65536 KiB"
	check "... /dev/pmem0m is 128 MiB less 2 MiB, the memmap and a spare 2 MiB (122 MiB)" \
		test "$(cat /sys/block/pmem0m/size)" = $((122 * 2048))
	check "both pfn devices are enabled at once" test -b /dev/pmem0m -a -b /dev/pmem1m
	check "mkfs.ext4 and mount -o dax namespace1.0's device" \
		eval "make_fs ext4 /dev/pmem1m && mount_dax ext4 /dev/pmem1m"
	check "a file written through a DAX mmap, and read back" \
		eval "$BIN/mmap_pattern write $DAX/f 1048576 5 && $BIN/mmap_pattern verify $DAX/f 1048576 5"
	check "umount" umount $DAX
	pfn1=$(cd $ND && for p in pfn1.*; do [ "$(cat $p/namespace)" = namespace1.0 ] && echo $p; done | head -n 1)
	check "disable $pfn1, namespace1.0 raw" sh -c "echo $pfn1 > $UNBIND &&
		echo > $ND/$pfn1/namespace && echo 1 > $ND/namespace1.0/force_raw &&
		echo namespace1.0 > $BIND" && wait_for /dev/pmem1 5
	sb=$($BIN/pfn_sb /dev/pmem1 show)
	echo "# $sb"
	check "the info block records the start pad and the end trim" \
		sh -c "echo '$sb' | grep -q 'start_pad=$pad end_trim=$trim '"
	check "... and the data offset, from the end of the pad" \
		sh -c "echo '$sb' | grep -q 'dataoff=$dataoff '"
	# the bind of the namespace fails: nd_pmem hands it to the pfn device
	check "namespace1.0 probed again: its pfn device is back, with the file" \
		eval "echo namespace1.0 > $UNBIND; echo 0 > $ND/namespace1.0/force_raw;
		echo namespace1.0 > $BIND; wait_for /dev/pmem1m 5 &&
		mount_dax ext4 /dev/pmem1m && $BIN/mmap_pattern verify $DAX/f 1048576 5 && umount $DAX"
	# 4.4 wrote "ram" info blocks (version 1.0, no pads) that count the
	# pages up to the end of the namespace; pages come in whole sections
	# only, so using one would shrink the block device under its
	# filesystem
	pfn=$(active_pfn)
	check "disable $pfn, namespace0.0 raw" sh -c "echo $pfn > $UNBIND &&
		echo > $ND/$pfn/namespace && echo 1 > $ND/namespace0.0/force_raw &&
		echo namespace0.0 > $BIND" && wait_for /dev/pmem0 5
	npfns=$((((192 << 20) - 8192) / 4096))
	check "an info block as 4.4 wrote it for ram: version 1.0, 8K, $npfns pages" \
		$BIN/pfn_sb /dev/pmem0 set minor 0 start_pad 0 end_trim 0 align 0 mode 1 dataoff 8192 npfns $npfns
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
