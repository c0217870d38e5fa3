#!/bin/sh
# ndctl.sh: the guest's stock ndctl (Debian's) on the series' namespace
# ABI.  "ndctl list -N" must report namespace0.0's mode and memmap
# location ("map") as it is: raw, fsdax with the memmap in memory or on
# the device, sector; "ndctl create-namespace" must convert it to each,
# with "-a" setting the pfn device's alignment, and refuse one that the
# kernel refuses.
# @case ndctl  kernels=series
. /daxgup/lib.sh
NDCTL=/usr/bin/ndctl

# listed: "ndctl list -N" of namespace0.0, on one line, without blanks
listed() { $NDCTL list -N -n namespace0.0 | tr -d ' \n'; }
# has JSON: namespace0.0's listing contains JSON
has() { listed | grep -q "$1" || { echo "ndctl list: $(listed)"; return 1; }; }
# create ARGS...: reconfigure namespace0.0 with ndctl
create() {
	$NDCTL create-namespace -f -e namespace0.0 "$@" > /tmp/ndctl.json 2> /tmp/ndctl.err ||
		{ cat /tmp/ndctl.err; return 1; }
}
refused_by_ndctl() { ! create "$@"; }
# pfn_attr FILE: an attribute of the active pfn device; ns_mode: the
# namespace's mode attribute
pfn_attr() { cat $ND/$(active_pfn)/$1; }
ns_mode() { cat $ND/namespace0.0/mode; }

check "load libnvdimm" load_nvdimm || exit 1
check "namespace0.0 raw" setup_namespace raw
check "ndctl list: mode raw" has '"mode":"raw"'
check "the namespace's mode attribute reads raw" test "$(ns_mode)" = raw

check "create-namespace -m fsdax -M dev -a 2M" create -m fsdax -M dev -a 2M
show "ndctl list -N" listed
check "ndctl list: mode fsdax" has '"mode":"fsdax"'
check "ndctl list: map dev" has '"map":"dev"'
check "... the pfn device: location pmem, align 2M" \
	test "$(pfn_attr mode) $(pfn_attr align)" = "pmem 2097152"
check "... the namespace's mode attribute reads memory" test "$(ns_mode)" = memory
check "... its block device works: mkfs.ext4, mount -o dax" \
	eval 'make_fs ext4 /dev/pmem0m && mount_dax ext4 /dev/pmem0m && umount $DAX'

check "create-namespace -m fsdax -M mem -a 4K" create -m fsdax -M mem -a 4K
show "ndctl list -N" listed
check "ndctl list: mode fsdax, map mem" eval "has '\"mode\":\"fsdax\"' && has '\"map\":\"mem\"'"
check "... the pfn device: location ram, align 4K" \
	test "$(pfn_attr mode) $(pfn_attr align)" = "ram 4096"

check "create-namespace -m fsdax -a 1G is refused" refused_by_ndctl -m fsdax -M dev -a 1G

check "create-namespace -m sector" create -m sector
show "ndctl list -N" listed
check "ndctl list: mode sector" has '"mode":"sector"'
check "... the namespace's mode attribute reads safe" test "$(ns_mode)" = safe

check "create-namespace -m raw" create -m raw
check "ndctl list: mode raw again" has '"mode":"raw"'
check "... the namespace's mode attribute reads raw" test "$(ns_mode)" = raw
