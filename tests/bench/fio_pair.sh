#!/bin/sh
# fio_pair.sh MODE FS RUNS SIZE BS RW: one streaming cell measured for a
# tighter answer than io.sh gives: fio O_DIRECT of SIZE per run (io.sh
# moves 256 MiB), anonymous and DAX buffers in anon, dax, dax, anon order,
# RUNS times.  Prints one "BENCH pair <anon|dax|ratio> <run> <value> ..."
# line each and the median ratio.  Not part of make bench; run it with
#   make guest-run MODE=none RUN=tests/bench/fio_pair.sh ARGS='pfn-ram ext4 6 1g 1m read'
. /daxgup/lib.sh
mode=$1 fs=$2 runs=$3 size=$4 bs=$5 rw=$6
cd /
dax_mount "$mode" "$fs" || { echo "# error: cannot set up $fs on namespace0.0 in mode $mode"; exit 1; }
/usr/bin/fio --name=prefill --filename=$SCRATCH --rw=write --bs=1m --direct=1 \
	--size="$size" --minimal >/dev/null 2>&1
dd if=/dev/zero of=$DAX/fio-buf bs=1M count=8 2>/dev/null
f=7; [ "$rw" = write ] && f=48		# fio terse v3: read / write KiB/s
for run in $(seq "$runs"); do
	for v in anon dax dax anon; do
		mem=malloc
		[ $v = dax ] && mem=mmapshared:$DAX/fio-buf
		/usr/bin/fio --name=pair --filename=$SCRATCH --rw="$rw" --bs="$bs" \
			--direct=1 --ioengine=psync --size="$size" --iomem=$mem --minimal |
			awk -F';' -v v=$v -v f=$f '{ print v, $f / 1024 }'
	done | awk -v r=$run '{ s[$1] += $2 / 2 }
		END { printf "BENCH pair anon %d %.1f MiB/s\nBENCH pair dax %d %.1f MiB/s\nBENCH pair ratio %d %.3f ratio\n",
			r, s["anon"], r, s["dax"], r, s["dax"] / s["anon"] }'
done | tee /tmp/pair.out
awk '$3 == "ratio" { print $5 }' /tmp/pair.out | sort -n |
	awk '{ v[NR] = $1 } END { printf "# median DAX/anonymous over %d runs: %.3f\n", NR,
		NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
