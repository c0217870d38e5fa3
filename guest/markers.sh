# guest/markers.sh: the strings that the host and the guest exchange,
# defined once.  Sourced by the harness (bash) and by the guest (busybox
# sh, as /daxgup/markers.sh); plain assignments only.

# The last line of the job's output: its exit status (guest/init).
RC_MARKER='DAXGUP-RC='
# A guest test logs this to the kernel log before it removes a device
# under a mounted filesystem: the filesystem's own error reports after it
# are expected (tests/guest/unbind.sh; boot.sh reads the console).
REMOVAL_MARKER='daxgup: device removal: filesystem error reports expected'
# A benchmark line whose kernel oopsed in the measurement, by design
# (tests/bench/io.sh; bench.sh and report.awk read it).
CRASHED='crashed'
# The modules /init loads, in order, before it can mount the tools disk
# (harness/reference.sh writes it for a prebuilt kernel).
EARLY_LIST='/lib/modules/early.list'
# The job inside the guest: key=value lines (harness/boot.sh writes it).
GUEST_JOB='/daxgup/job'
