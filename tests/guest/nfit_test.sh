#!/bin/sh
# nfit_test.sh: tools/testing/nvdimm loads (wrapped libnvdimm, nfit and
# nfit_test from /nfit_test), and its emulated buses, regions and
# namespaces appear; then it unloads.
# The base's nfit_test does not build (the series' first patch fixes it).
# nfit_test's coherent allocations come from CMA.
# @case nfit_test  kernels=series nvdimms=0 append=cma=512M
. /daxgup/lib.sh
mods=/nfit_test

check "modules installed" test -d $mods/lib/modules/$(uname -r)/nfit_test
check "modprobe nfit_test" $MODPROBE -d $mods nfit_test || exit 1
sleep 1

buses=0 regions=0 namespaces=0
for b in /sys/class/nd/ndctl*/device; do	# the bus devices, ndbusN
	grep -q '^nfit_test\.' $b/provider || continue
	buses=$((buses + 1))
	for r in $b/region*; do
		[ -e "$r" ] || continue
		regions=$((regions + 1))
		for n in $r/namespace*; do
			[ -e "$n" ] && namespaces=$((namespaces + 1))
		done
	done
done
echo "# nfit_test: $buses buses, $regions regions, $namespaces namespaces"
check "both test buses (nfit_test.0, nfit_test.1) registered" test $buses = 2
check "regions appear" test $regions -gt 0
check "namespaces appear" test $namespaces -gt 0
check "disable its regions and DIMMs" disable_test_buses
check "modprobe -r nfit_test" $MODPROBE -d $mods -r nfit_test
check "its buses are gone" sh -c "! grep -qs nfit_test /sys/class/nd/ndctl*/device/provider"
