#!/bin/sh
# Crashes the guest kernel: the run must end as a failure, not hang.
echo c > /proc/sysrq-trigger
sleep 30
exit 0
