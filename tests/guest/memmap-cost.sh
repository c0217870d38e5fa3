#!/bin/sh
# memmap-cost.sh: what the memmap of namespace0.0 costs in DRAM, with the pfn
# device's memmap in "ram" and then on "pmem", measured as the drop in
# MemFree when the pfn device is enabled.  "ram" must cost about 64 bytes
# per 4 KiB page, "pmem" under 1% of that.  Disabling must give it all
# back, and neither may add memory blocks (ZONE_DEVICE is never onlined).
# The memmap location "pmem" is the series'.
# @case memmap-cost-4g   nvdimm_size=4G  kernels=series
# @case memmap-cost-16g  nvdimm_size=16G kernels=series
. /daxgup/lib.sh

blocks() { ls -d /sys/devices/system/memory/memory* | wc -l; }

disable() { echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind; }

check "load libnvdimm" load_nvdimm || exit 1
bytes=$(cat $ND/namespace0.0/size)
pages=$((bytes / 4096))
check "disable namespace0.0 (raw)" \
	sh -c "echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/unbind" || exit 1
pfn=$(cat $ND/region0/pfn_seed)
b0=$(blocks)

f0=$(memfree)
check "enable $pfn, memmap in ram" pfn_enable "$pfn" ram || exit 1
f1=$(memfree)
check "ram: no memory blocks added ($b0)" test "$(blocks)" = "$b0"
check "disable $pfn" disable || exit 1
f2=$(memfree)
check "enable $pfn, memmap on pmem" pfn_enable "$pfn" pmem || exit 1
f3=$(memfree)
data=$(( $(cat /sys/block/pmem0m/size) / 2048 )) mib=$((bytes >> 20))
check "pmem: /dev/pmem0m ($data MiB) starts after 2 MiB and a memmap of 64+ bytes per page" \
	test "$data" -le $((mib - 2 - pages * 64 / 1048576))
check "pmem: no memory blocks added ($b0)" test "$(blocks)" = "$b0"
check "disable $pfn" disable || exit 1
f4=$(memfree)

ram=$((f0 - f1)) pmem=$((f2 - f3))
echo "# namespace0.0: $((bytes >> 20)) MiB, $pages pages"
echo "# memmap in ram:  $ram KiB of DRAM, $((ram * 1024 / pages)) bytes per 4 KiB page"
echo "# memmap on pmem: $pmem KiB of DRAM, $((pmem * 10000 / ram)) / 10000 of ram"
echo "# given back on disable: ram $((f2 - f1)) KiB, pmem $((f4 - f3)) KiB"
check "ram costs 56-80 bytes per 4 KiB page ($((ram * 1024 / pages)))" \
	test $((ram * 1024)) -ge $((pages * 56)) -a $((ram * 1024)) -le $((pages * 80))
check "pmem costs under 1% of ram ($pmem KiB vs $ram KiB)" \
	test $((pmem * 100)) -lt $ram
# the memmap comes back; allow 1 MiB for slab and page tables that stay
check "disable gives the ram memmap back (MemFree $f0 -> $f2 KiB)" \
	test $((f0 - f2)) -lt 1024
check "disable gives back what pmem took (MemFree $f2 -> $f4 KiB)" \
	test $((f2 - f4)) -lt 1024
