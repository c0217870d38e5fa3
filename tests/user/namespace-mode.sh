#!/bin/sh
# A user's script that says what mode namespace0.0 came up in, and
# whether the file an earlier run left in /mnt/dax is still there.
nd=/sys/bus/nd/devices
mode=raw
for d in $nd/pfn*; do
	[ -e "$d/driver" ] && [ "$(cat "$d/namespace")" = namespace0.0 ] &&
		mode=pfn-$(cat "$d/mode")
done
echo "namespace0.0: $mode"
[ -f /mnt/dax/kept ] && echo "kept: $(cat /mnt/dax/kept)"
echo "$1" > /mnt/dax/kept
exit 0
