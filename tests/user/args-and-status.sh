#!/bin/sh
# A user's script, as 'make guest-run RUN=... ARGS=...' runs it.  Prints
# what it sees and exits 3: the harness must hand back both.
echo "argc=$# arg1=[$1] arg2=[$2]"
echo "cwd=$(pwd)"
grep -q ' /mnt/dax ext4 .*dax' /proc/mounts && echo "dax-mount=yes"
[ -b /dev/vda ] && echo "scratch=/dev/vda"
exit 3
