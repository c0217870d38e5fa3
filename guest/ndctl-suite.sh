#!/bin/sh
# ndctl-suite.sh: ndctl's own test suite, in the guest, one TAP line per
# test.  harness/ndctl-test.sh appends the suite (a tar.gz, base64) after
# the __PAYLOAD__ line: the tests and the ndctl they call in nd/, their
# libraries in lib/, bash in bin/, the names of the tests in nd/TESTS.
# The tests load nfit_test with libkmod, from /lib/modules: the series'
# nfit_test modules are bound over it.
. /daxgup/lib.sh
W=/scratch/nd

# The tests run from the scratch disk: O_DIRECT needs a real filesystem.
check "scratch filesystem for the tests' files" \
	sh -c "$MKE2FS -q -F -t ext4 /dev/vda && mkdir -p /scratch && mount /dev/vda /scratch" || exit 1
mkdir -p $W
check "unpack the suite" \
	sh -c "sed '1,/^__PAYLOAD__\$/d' '$0' | base64 -d | tar -xz -C $W" || exit 1
rel=$(uname -r)
check "nfit_test's modules take the place of the kernel's" \
	mount --bind /nfit_test/lib/modules/$rel /lib/modules/$rel || exit 1
# the tests that want the e820 device (memmap=...!...) find it as pmem0
$MODPROBE nd_e820 && $MODPROBE nd_pmem
$MODPROBE ext4 2>/dev/null
$MODPROBE xfs 2>/dev/null

export LD_LIBRARY_PATH=$W/nd/lib:$W/lib
# Debian's mkfs defaults make filesystems that 4.4 cannot mount
mkdir -p $W/sbin
printf '#!/bin/sh\nexec %s -t ext4 -O ^orphan_file,^metadata_csum_seed "$@"\n' \
	"$MKE2FS" > $W/sbin/mkfs.ext4
printf '#!/bin/sh\nexec %s -m reflink=0,bigtime=0,inobtcount=0 "$@"\n' \
	"$MKFS_XFS" > $W/sbin/mkfs.xfs
ln -sf $W/bin/bash $W/sbin/bash
chmod +x $W/sbin/mkfs.ext4 $W/sbin/mkfs.xfs
export PATH=$W/sbin:$PATH

cd $W/nd || exit 1
version=$(cat VERSION)
for t in $(cat TESTS); do
	case $t in
	*.sh) set -- $W/bin/bash test/$t ;;
	*) set -- test/$t ;;
	esac
	start=$(date +%s)
	timeout 600 "$@" > /tmp/$t.log 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) echo "ok - ndctl $version: $t (${secs}s)" ;;
	77) echo "ok - ndctl $version: $t # SKIP $(tail -n 1 /tmp/$t.log)" ;;
	124) echo "not ok - ndctl $version: $t # timed out after 600 s" ;;
	*) echo "not ok - ndctl $version: $t # exit $rc (${secs}s)" ;;
	esac
	[ $rc = 0 ] || tail -n 25 /tmp/$t.log | sed 's/^/#   /'
done
exit 0
