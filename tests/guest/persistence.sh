#!/bin/sh
# persistence.sh qemu WANT | nfit_test: a region's persistence_domain
# follows the NFIT Platform Capabilities Structure (ACPI 6.2, type 7).
#   qemu WANT   QEMU's table (job key persistence: -machine
#               nvdimm-persistence=cpu|mem-ctrl, or none): region0 reads
#               WANT ("" when QEMU builds no table), and the log says so.
#   nfit_test   nfit_test.1's table with good entries, and a short, a
#               cut-off, an overrunning and a contradictory one
#               (nfit_test's caps_len, caps and caps_highest): the good
#               ones are read, the others give the safe default (empty),
#               each with its warning.
# @case persistence-cpu       kernels=series persistence=cpu qemu cpu_cache
# @case persistence-memctrl   kernels=series persistence=mem-ctrl qemu memory_controller
# @case persistence-none      kernels=series qemu none
# @case persistence-nfit_test kernels=series nvdimms=0 append=cma=512M nfit_test
. /daxgup/lib.sh

# domain_is FILE WANT: the attribute reads WANT ("none": an empty line)
domain_is() {
	local got
	got=$(cat "$1") || return 1
	echo "persistence_domain: '$got'"
	[ "$got" = "$2" ] || { [ "$2" = none ] && [ -z "$got" ]; }
}

case "$1" in
qemu)
	want=$2
	check "libnvdimm loads" load_nvdimm || exit 1
	check "region0 has a persistence_domain attribute" test -r $ND/region0/persistence_domain || exit 1
	check "region0's persistence_domain reads $want" domain_is $ND/region0/persistence_domain "$want"
	case $want in
	cpu_cache) line="persistence domain: CPU caches" ;;
	memory_controller) line="persistence domain: the memory controller" ;;
	*) line="persistence domain: unknown" ;;
	esac
	check "... logged: $line" logged "$line"
	check "no 'unknown table' for the entry" sh -c "! dmesg | grep -q \"unknown table '7'\""
	;;
nfit_test)
	mods=/nfit_test
	unload_nfit_test() { disable_test_buses && $MODPROBE -d $mods -r nfit_test; }
	# nfit_test_caps NAME WANT WARNING PARAM...: load nfit_test with
	# PARAMs; nfit_test.1's region reads WANT, and WARNING is logged
	nfit_test_caps() {
		local name=$1 want=$2 warning=$3 r=
		shift 3
		dmesg -c > /dev/null
		check "$name: modprobe nfit_test $*" $MODPROBE -d $mods nfit_test "$@" || return 1
		sleep 1
		for b in /sys/class/nd/ndctl*/device; do
			grep -q '^nfit_test\.1' $b/provider && r=$(ls -d $b/region* | head -n 1)
		done
		check "$name: nfit_test.1 has a region" test -n "$r" &&
			check "$name: ... its persistence_domain reads $want" domain_is $r/persistence_domain "$want"
		[ -z "$warning" ] || check "$name: ... logged: $warning" logged "$warning"
		check "$name: nfit_test unloads" unload_nfit_test
	}
	check "modules installed" test -d $mods/lib/modules/$(uname -r)/nfit_test || exit 1
	nfit_test_caps "no entry" none "persistence domain: unknown"
	nfit_test_caps "cpu and memory controller" cpu_cache "persistence domain: CPU caches" \
		caps_len=16 caps=3
	nfit_test_caps "memory controller" memory_controller "" caps_len=16 caps=2
	nfit_test_caps "neither bit" none "" caps_len=16 caps=0
	nfit_test_caps "bits above the highest valid one" memory_controller "" \
		caps_len=16 caps=0xfffffffe caps_highest=1
	nfit_test_caps "short entry (8 bytes)" none "structure is 8 bytes, not 16: ignored" \
		caps_len=8 caps=3
	nfit_test_caps "entry overruns the table" none "overruns the nfit by 8 bytes" \
		caps_len=24 caps=3
	nfit_test_caps "cpu caches without the memory controller" none \
		"flush CPU caches but not the memory controller: ignored" caps_len=16 caps=1
	nfit_test_caps "cpu caches, the only capability described" cpu_cache "" \
		caps_len=16 caps=1 caps_highest=0
	nfit_test_caps "header cut off by the end of the table" none \
		"2 bytes left over at the end of the nfit: ignored" caps_len=2 caps=3
	;;
*)
	echo "usage: persistence.sh qemu WANT | nfit_test"
	exit 2
	;;
esac
exit 0
