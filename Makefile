# SPDX-License-Identifier: MIT
# The kit's top Makefile: `make help` lists what it does.
KIT_ROOT := $(CURDIR)
include mk/config.mk

LABS := $(patsubst labs/%/kit/lab.ini,%,$(wildcard labs/*/kit/lab.ini))
SOLVED := $(filter $(LABS),$(notdir $(patsubst %/,%,$(wildcard solutions/*/))))

.DEFAULT_GOAL := all
.PHONY: all lib labs solutions check grade test docs deps help clean \
	bench-grader stability mutants slides test-slides plots

all: lib labs solutions unit-tests grader

lib: $(LIBKIT)

# Each lab builds twice: the working copy in labs/, and the reference
# solution (the same lab with solutions/NN-name's files submitted, linked
# with the kit's objects of the working copy's build).
labs: lib
	$(Q)set -e; for lab in $(LABS); do \
	    $(MAKE) --no-print-directory -C labs/$$lab all MODE=$(MODE); done

solutions: lib labs
	$(Q)set -e; for lab in $(SOLVED); do \
	    $(MAKE) --no-print-directory -C labs/$$lab all MODE=$(MODE) \
	        SUBMIT_DIR=$(CURDIR)/solutions/$$lab \
	        OUT=$(BUILD)/$(MODE)/solutions/$$lab \
	        KIT_OBJS_DIR=$(BUILD)/$(MODE)/labs/$$lab; done

# A student's loop: every lab's public tests against the working copy.
# `make -C labs/NN-name check` does one lab.
check: lib
	$(Q)status=0; for lab in $(LABS); do \
	    $(MAKE) --no-print-directory -C labs/$$lab check MODE=$(MODE) \
	        || status=1; done; exit $$status

# Grade the working copy (labs/), or SUBMISSION=DIR, every lab or LAB=NN.
# The grader is always the release build, whatever MODE says. Its exit
# status is make's: points held (a speedup this machine cannot judge) fail
# it too, with 3, unless ACCEPT_HELD=1.
GRADE_ARGS = --kit $(CURDIR) $(if $(LAB),--lab $(LAB)) \
	$(if $(SUBMISSION),--submission $(SUBMISSION)) \
	$(if $(RESULTS),--results $(RESULTS)) $(if $(JUNIT),--junit $(JUNIT)) \
	$(if $(SUMMARY),--summary $(SUMMARY)) $(if $(PLOT),--plot $(PLOT)) \
	$(if $(TEST),--test "$(TEST)") \
	$(if $(filter-out 0,$(ACCEPT_HELD)),--accept-held) \
	$(if $(filter-out 0,$(STUDENT_VIEW)),--student-view)
grade:
	$(Q)$(MAKE) -s grader MODE=release
	$(Q)$(BUILD)/release/grader/grader $(GRADE_ARGS)

# How long grading every solution takes, and the speedup ratios measured.
bench-grader:
	$(Q)$(MAKE) -s grader MODE=release
	$(Q)$(KIT_ROOT)/mk/bench-grader.sh

# Whether repeated grading gives the same speedup verdicts (RUNS=N, BUSY=1).
stability:
	$(Q)$(MAKE) -s grader MODE=release
	$(Q)RUNS=$(RUNS) BUSY=$(BUSY) /usr/bin/python3 $(KIT_ROOT)/mk/stability.py

# Mutation testing of the labs' tests (tests/mutation/README.md): every
# operator on every reference solution (or LAB=NN, OPERATOR=TEXT), each
# mutant graded; SAMPLE=SEED grades one per operator family per lab,
# REPEAT=N grades each kill by a race or timing test N times. The report
# lands in build/mutants/.
REPEAT ?= 1
mutants: | kit-deps-mutants
	$(Q)$(MAKE) -s grader kit-objects MODE=release
	$(Q)$(MAKE) -s lib kit-objects MODE=asan
	$(Q)$(MAKE) -s lib kit-objects MODE=tsan
	$(Q)/usr/bin/python3 tests/mutation/mutants.py $(if $(LAB),--lab $(LAB)) \
	    $(if $(OPERATOR),--operator "$(OPERATOR)") \
	    $(if $(SAMPLE),--sample $(SAMPLE)) --repeat $(REPEAT) \
	    --jobs $(JOBS) --machine-lock $(BUILD)/mutants.lock

.PHONY: kit-deps-mutants
kit-deps-mutants:
	@$(DEPS_SH) ensure cmd:spatch

# Every test of the kit itself (tests/, in pytest, README.md there says
# what): the builds first, every flavour the tests use at once under one job
# server (and the slides' npm packages, fetched while the C compiles, in a
# job slot of their own: fetched by a test, they would hold the machine from
# a measurement for as long), then the tests on every core, those that time
# holding the machine alone. The packages come first, one installer at a time.
JOBS := $(shell nproc 2>/dev/null || echo 2)
# The seed of the mutants make test grades: a new one each run, printed;
# MUTANT_SEED=N draws the same ones again.
MUTANT_SEED ?= $(shell date +%s)
# The slowest tests are listed at the end: what to shorten when the whole
# run nears its budget of 5 minutes. One worker more than the cores: many
# tests spend seconds waiting (a hang to be seen, a time limit, the machine
# lock), and the tests that time hold the machine alone whatever the count.
TEST_WORKERS := $(shell echo $$(($(JOBS) + 1)))
PYTEST = /usr/bin/python3 -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=12
TEST_BUILD_LOG = $(BUILD)/test-build.log
test: | kit-deps-test
	@mkdir -p $(BUILD)
	@echo "  BUILD   every flavour the tests use (log: build/test-build.log)"
	$(Q){ $(MAKE) -s kit-deps kit-deps-slides && \
	  $(MAKE) -s -j$$(($(JOBS) + 1)) test-build-release test-build-asan test-build-tsan; } \
	  >$(TEST_BUILD_LOG) 2>&1 || { tail -40 $(TEST_BUILD_LOG); exit 1; }
	@echo "  MUTANTS one per operator family per lab, seed $(MUTANT_SEED) (make test MUTANT_SEED=$(MUTANT_SEED) draws them again)"
	$(Q)cd tests && MAKE="$(MAKE)" MUTANT_SEED=$(MUTANT_SEED) $(PYTEST) $(if $(ONLY),-k "$(ONLY)") $(PYTEST_ARGS)

.PHONY: test-build-release test-build-asan test-build-tsan
test-build-release:
	$(Q)$(MAKE) -s all $(SLIDES_TOOL)/.installed
test-build-asan:
	$(Q)$(MAKE) -s lib unit-tests grader-tests kit-objects MODE=asan
test-build-tsan:
	$(Q)$(MAKE) -s lib unit-tests kit-objects MODE=tsan

# Every lab's kit objects (drivers, serial references, tests, wrappers)
# in MODE, as the grader links submissions with them.
kit-objects: lib
	$(Q)set -e; for lab in $(LABS); do \
	    $(MAKE) --no-print-directory -C labs/$$lab kit-objects MODE=$(MODE); done

.PHONY: kit-deps-test kit-objects
kit-deps-test:
	@$(DEPS_SH) ensure py:pytest py:xdist py:yaml cmd:zip cmd:unzip cmd:patch cmd:git \
	    cmd:spatch cmd:sim_c cmd:sbatch

docs: | kit-deps-docs
	@mkdir -p $(BUILD)/docs
	$(Q)cd docs && doxygen Doxyfile
	@echo "  DOCS    build/docs/html/index.html"

.PHONY: kit-deps-docs
kit-deps-docs:
	@$(DEPS_SH) ensure cmd:doxygen

deps:
	$(Q)$(DEPS_SH) install

clean:
	rm -rf $(BUILD)

help:
	@echo "Targets:"
	@echo "  make                 build libkit, every lab's starter and solution, the unit tests"
	@echo "  make check           run every lab's public tests on your working copy (labs/)"
	@echo "  make -C labs/NN-name check   one lab's public tests"
	@echo "  make grade           grade your working copy, every lab (exit 0: full marks)"
	@echo "  make grade LAB=02    one lab, by number or name"
	@echo "  make grade SUBMISSION=DIR   grade another folder (NN-name/ folders, or"
	@echo "                       with LAB, one lab's submit files)"
	@echo "      RESULTS=F JUNIT=F SUMMARY=F PLOT=DIR   Gradescope JSON, JUnit XML,"
	@echo "                       Markdown summary, speedup plots"
	@echo "      ACCEPT_HELD=1    exit 0, not 3, when the only points not won are held"
	@echo "                       (a speedup this machine cannot judge)"
	@echo "      STUDENT_VIEW=1   reports and exit status leave out the tests lab.ini"
	@echo "                       does not make visible (results.json keeps them)"
	@echo "  make grade-class SUBMISSIONS=DIR [LAB=NN] [OUT=DIR] [TEST=TEXT] [JOBS=N] [FORCE=1]"
	@echo "      [REGRADE_HELD=1]   regrade only the held and the ungraded"
	@echo "      [SLURM=N [SBATCH_ARGS=...]]   grade through a Slurm job array of N nodes"
	@echo "                       grade every student folder of DIR into a gradebook CSV"
	@echo "  make bench-class [N=30]   time the grading of N generated submissions"
	@echo "  make gradescope LAB=NN   the lab's Gradescope autograder zip, in build/gradescope"
	@echo "  make release OUT=DIR   the student kit, a new git repository: no solutions,"
	@echo "                       no fixtures of bad submissions, no hidden tests"
	@echo "  make deps-grading    install only the packages grading needs (CI runners)"
	@echo "  make test [ONLY=EXPR]   every test of the kit itself (what CI runs), or"
	@echo "                       only those pytest's -k EXPR selects"
	@echo "  make bench-grader    time the grading of every solution, show speedup ratios"
	@echo "  make stability [RUNS=10] [BUSY=1]   grade the speedup tests of labs 02 and 03"
	@echo "                       RUNS times: spread of points, ratios, calibrations"
	@echo "                       (BUSY=1: one CPU kept busy)"
	@echo "  make mutants [LAB=NN] [OPERATOR=TEXT] [SAMPLE=SEED] [REPEAT=N]   mutate the reference"
	@echo "                       solutions, grade each mutant: report in build/mutants"
	@echo "  make slides          the slide decks as HTML in build/slides (open index.html),"
	@echo "                       the figures not measured yet measured first (SLIDES_MEASURE=0: not)"
	@echo "  make test-slides     compile the decks' C code, open every page in headless Chromium"
	@echo "  make plots [FIGURES=\"spin speedup race costs onecpu pool gil kitwork pingpong\"]   measure the decks' figures on"
	@echo "                       this machine into build/plots (then make slides again)"
	@echo "  make docs            API documentation (Doxygen) into build/docs/html"
	@echo "  make deps            install the Debian packages the kit needs"
	@echo "  make clean           remove build/"
	@echo "Options:"
	@echo "  MODE=release|debug|tsan|asan   build flavour (default release)"
	@echo "  V=1                  show the full compiler commands"
	@echo "Labs: $(LABS)"

include mk/libkit.mk
include mk/unit-tests.mk
include mk/grader.mk
include mk/slides.mk
include mk/plots.mk
include mk/ci.mk
include mk/class.mk
include mk/release.mk
