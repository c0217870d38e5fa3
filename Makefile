# dax-gup: a Linux 4.4.178 patch series (series/) and the harness that
# builds it and tests it in a QEMU guest with an emulated NVDIMM.
#
#   make            set everything up, boot the guest, show DAX-GUP at work
#   make test       the test suite (TAP, ends with "N passed, N failed")
#   make bench      the benchmarks and their report (docs/bench/report.md)
#   make help       every target and variable

# User-facing variables, passed to the harness through the environment.
export KERNEL DEBUG V JOBS LINUX_TARBALL DAX_GUP_CACHE FORCE
export MODE FS MKFS RUN ARGS NVDIMMS NVDIMM_SIZE MEM SMP ACCEL TIMEOUT FRESH APPEND QEMU_EXTRA
export KERNELS CASES ARCHES OUT RUNS WORKLOADS FSS REFERENCE_PKG

H := harness
# What 'make' and 'make guest-run' run in the guest unless RUN is given.
# Applied in those recipes only: other targets must not inherit a RUN.
DEMO := RUN="$${RUN:-examples/dio-demo.sh}"

.PHONY: all deps tree export kernel image guest-run test check bench report robot per-patch clean distclean help

all: image
	@$(DEMO) $(H)/boot.sh

deps:
	@$(H)/deps.sh build guest

tree: deps
	@$(H)/tree.sh

export:
	@$(H)/export.sh

kernel: tree
	@$(H)/kernel.sh build

image: kernel
	@$(H)/image.sh all

guest-run: image
	@$(DEMO) $(H)/boot.sh

test: deps
	@$(H)/test.sh

check: deps
	@ONLY=host $(H)/test.sh

bench: deps
	@$(H)/deps.sh bench
	@$(H)/bench.sh

# the report again from the last results, without running anything
report:
	@$(H)/deps.sh bench
	@$(H)/report.sh "$${OUT:-build/bench/latest}"

robot: tree
	@$(H)/deps.sh robot
	@$(H)/robot.sh

per-patch: tree
	@$(H)/deps.sh robot
	@$(H)/per-patch.sh

clean:
	rm -rf build/run build/guest

distclean:
	rm -rf build

help:
	@sed -n '/^## Targets/,/^## The guest/{/^## The guest/d;p}' README.md
