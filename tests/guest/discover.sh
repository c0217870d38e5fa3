#!/bin/sh
# discover.sh: the guest booted the kernel we built,
# and libnvdimm found the emulated NVDIMM through the ACPI NFIT: bus,
# DIMM, region, namespace and raw block device.
# @case discover  nvdimm_size=4G
. /daxgup/lib.sh
release=$(job release) bytes=$(bytes "$(job nvdimm_size)")

check "kernel release is $release" test "$(uname -r)" = "$release"
check "libnvdimm and nfit modules load" load_nvdimm
check "NFIT bus registered (ndbus0, provider ACPI.NFIT)" \
	grep -qx ACPI.NFIT /sys/class/nd/ndctl0/device/provider
check "NVDIMM nmem0 discovered" test -e $ND/nmem0
check "region0 is a pmem region of $bytes bytes" \
	sh -c "test \$(cat $ND/region0/size) = $bytes && test -e $ND/region0/pfn_seed"
check "namespace0.0 spans region0" \
	sh -c "test \$(cat $ND/namespace0.0/size) = $bytes"
check "/dev/pmem0 is a $bytes-byte block device" \
	sh -c "test \$(blockdev --getsize64 /dev/pmem0) = $bytes"
