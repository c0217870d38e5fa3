#!/bin/sh
# dio-demo.sh: what 'make' runs in the guest.  The DAX mount is ready at
# /mnt/dax (on /dev/pmem0m in the default pfn-ram mode); /dev/vda is a
# scratch disk.  Show both, then O_DIRECT read from the scratch disk into
# an mmap of a DAX file: EFAULT without DAX-GUP, data with it.
echo "kernel:  $(uname -r)"
echo "mount:   $(grep ' /mnt/dax ' /proc/mounts)"
echo "scratch: /dev/vda, $(blockdev --getsize64 /dev/vda) bytes"
for align in 4k 2m; do
	/daxgup/bin/dio_mmap -o read -a $align -s 2m /mnt/dax/demo-$align /dev/vda
done
exit 0
