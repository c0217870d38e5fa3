#!/bin/sh
# dev_pagemap.sh MODE: with namespace0.0 in MODE (pfn-ram or pfn-pmem),
# load test_dev_pagemap (CONFIG_TEST_DEV_PAGEMAP) on an address in its
# data: pagemap lookup, references, poisoned ZONE_DEVICE pages, and the
# memmap on the device exactly in pfn-pmem.  Then load it with hold=1
# (a pagemap reference) and hold=2 (a page reference): the pfn device's
# unbind must wait for either, and finish once the module is unloaded.
# test_dev_pagemap (CONFIG_TEST_DEV_PAGEMAP) is the series'.
# @case dev_pagemap-pfn-ram   pfn-ram   kernels=series
# @case dev_pagemap-pfn-pmem  pfn-pmem  kernels=series
. /daxgup/lib.sh
mode=$1

check "namespace0.0 in mode $mode" setup_namespace "$mode" || exit 1
pfn=$(active_pfn)
# the pfn device claims the namespace's range in /proc/iomem
start=$(sed -n "s/^ *\([0-9a-f]*\)-[0-9a-f]* : $pfn\$/\1/p" /proc/iomem | head -n 1)
phys=$(printf '%#x' $((0x$start + 0x10000000)))	# 256 MiB in: data
echo "# $pfn: namespace at 0x$start, testing phys=$phys"

dmesg -c > /dev/null
check "modprobe test_dev_pagemap phys=$phys" $MODPROBE test_dev_pagemap phys=$phys
dmesg | sed -n 's/^.*test_dev_pagemap: //p' > /tmp/pgmap.log
grep '^not ok' /tmp/pgmap.log | sed 's/^/# /'
grep '^memmap' /tmp/pgmap.log | sed 's/^/# /'
echo "# test_dev_pagemap: $(tail -n 1 /tmp/pgmap.log)"
check "every check passed, one log line each" \
	awk '/^(ok|not ok) [0-9]+ - / { n++ }
	     /^[0-9]+ passed, [0-9]+ failed$/ { found = 1; want = $1 + $3; bad = $3 }
	     END { exit !(found && n >= 10 && n == want && bad == 0) }' /tmp/pgmap.log
want=no; [ "$mode" = pfn-pmem ] && want=yes
check "the memmap is on the device: $want" grep -q "altmap $want\$" /tmp/pgmap.log
$MODPROBE -r test_dev_pagemap

for hold in 1 2; do
	what="a pagemap reference"; [ $hold = 2 ] && what="a page reference (get_page)"
	check "modprobe test_dev_pagemap hold=$hold (keeps $what)" \
		$MODPROBE test_dev_pagemap phys=$phys hold=$hold || exit 1
	echo "$pfn" > /sys/bus/nd/drivers/nd_pmem/unbind &
	unbind=$!
	sleep 3
	check "the unbind of $pfn waits for $what" kill -0 $unbind
	check "modprobe -r test_dev_pagemap (drops it)" $MODPROBE -r test_dev_pagemap
	check "then the unbind finishes" wait_exit $unbind
	check "$pfn has no driver now" test ! -e $ND/$pfn/driver
	[ $hold = 1 ] && check "rebind $pfn" \
		sh -c "echo $pfn > /sys/bus/nd/drivers/nd_pmem/bind"
done
