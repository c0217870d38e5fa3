#!/bin/sh
# memmap.sh RUNS: the DRAM that the memmap of namespace0.0 costs, with the
# memmap in ram and on pmem, as the drop in MemFree when the namespace is
# enabled in that mode, from disabled.  RUNS cycles of
#   disabled -> ram -> disabled -> pmem
# each printing
#   BENCH memmap ram|pmem <run> <KiB> KiB
# A location the kernel refuses (the base has no "pmem") prints
#   BENCH memmap pmem - unsupported -
. /daxgup/lib.sh
runs=$1
pfn=

# 4.4: the pfn device through sysfs (pfn_enable); upstream: ndctl
enable() {
	if upstream_kernel; then
		setup_namespace_ndctl pfn-$1 >/dev/null
		return
	fi
	pfn_enable "$pfn" "$1"
}
disable() {
	if upstream_kernel; then
		/usr/bin/ndctl disable-namespace namespace0.0 >/dev/null 2>&1
		return
	fi
	echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind
}

load_nvdimm || { echo "# error: libnvdimm"; exit 1; }
bytes=$(cat $ND/namespace0.0/size)
echo "# namespace0.0: $((bytes >> 20)) MiB, $((bytes / 4096)) pages"
if upstream_kernel; then
	/usr/bin/ndctl disable-namespace namespace0.0 >/dev/null 2>&1
else
	echo namespace0.0 > /sys/bus/nd/drivers/nd_pmem/unbind
	pfn=$(cat $ND/region0/pfn_seed)
fi
# a first cycle, not counted: what the first enable allocates for good
# (sysfs, slab caches) is not the memmap
enable ram && disable && { ! enable pmem || disable; }
for run in $(seq "$runs"); do
	f0=$(memfree)
	enable ram || { echo "# error: cannot enable the memmap in ram"; exit 1; }
	f1=$(memfree)
	disable || { echo "# error: cannot disable"; exit 1; }
	f2=$(memfree)
	echo "BENCH memmap ram $run $((f0 - f1)) KiB"
	if enable pmem; then
		f3=$(memfree)
		disable || { echo "# error: cannot disable"; exit 1; }
		echo "BENCH memmap pmem $run $((f2 - f3)) KiB"
	elif [ "$run" = 1 ]; then
		echo "BENCH memmap pmem - unsupported -"
	fi
done
