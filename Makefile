# dax-gup: a Linux 4.4.178 patch series (series/) and the harness that
# builds it and tests it in a QEMU guest with an emulated NVDIMM.
#
#   make            set everything up, boot the guest, show DAX-GUP at work
#   make test       the test suite (TAP, ends with "N passed, N failed")
#   make bench      the benchmarks and their report (docs/bench/report.md)
#   make help       every target and variable
#
# The variables in README.md reach the harness through the environment
# (make passes command-line variables on).  A guest boot reads only its
# job file: 'make' and 'make guest-run' write one from them (job.sh
# --from-env); test.sh and bench.sh write their own.

H := harness
JOB := build/run/guest/boot.job
# write the job from the user's variables, with the demo unless RUN is
# given, and boot it
BOOT_JOB = RUN="$${RUN:-examples/dio-demo.sh}" $(H)/job.sh $(JOB) --from-env && $(H)/boot.sh $(JOB)

.PHONY: all deps tree export kernel image guest-run test ndctl-test check bench report mail robot per-patch clean distclean help

all: image
	@$(BOOT_JOB)

deps:
	@$(H)/deps.sh build guest

tree: deps
	@$(H)/tree.sh

export:
	@$(H)/export.sh

kernel: deps
	@$(H)/kernel.sh build

image: kernel
	@$(H)/image.sh all

guest-run: image
	@$(BOOT_JOB)

test: deps
	@$(H)/test.sh

ndctl-test: image
	@$(H)/ndctl-test.sh

check: deps
	@ONLY=host $(H)/test.sh

bench: deps
	@$(H)/deps.sh bench
	@$(H)/bench.sh

# the report again from the last results, without running anything
report:
	@$(H)/deps.sh bench
	@$(H)/report.sh "$${OUT:-build/bench/latest}" "$${DOCS:-docs/bench}"

mail: tree
	@$(H)/deps.sh mail
	@$(H)/mail.sh

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
