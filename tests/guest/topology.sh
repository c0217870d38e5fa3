#!/bin/sh
# topology.sh: the guest is the machine its job describes: as many CPUs,
# NVDIMMs (one region each, of nvdimm_size) and about as much RAM.  The
# case's header line is all it takes to get another topology.
# @case topology-small  nvdimms=2 nvdimm_size=256M smp=1 mem=1G
. /daxgup/lib.sh

nvdimms=$(job nvdimms) size=$(bytes "$(job nvdimm_size)") mem=$(bytes "$(job mem)")

check "$(job smp) CPU(s) online" test "$(grep -c '^processor' /proc/cpuinfo)" = "$(job smp)"
# MemTotal is RAM less what the kernel keeps: between 80% and 100%
total=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024 ))
check "MemTotal within 80-100% of $(job mem)" \
	test $total -le $mem -a $((total * 5)) -ge $((mem * 4))
check "libnvdimm loads" load_nvdimm || exit 1
check "$nvdimms NVDIMM(s)" test "$(ls -d $ND/nmem* | wc -l)" = "$nvdimms"
for i in $(seq 0 $((nvdimms - 1))); do
	check "region$i is $(job nvdimm_size)" test "$(cat $ND/region$i/size)" = "$size"
done
