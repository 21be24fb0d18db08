# SPDX-License-Identifier: MIT
# The rules every lab shares; a lab's Makefile sets LAB_PROGRAMS (the kit's
# programs of the lab, each a main in kit/) and includes this file.
#
#   make [MODE=release|debug|tsan|asan]   build the programs and the tests
#   make check [CASE="test case"]         run the public tests (one TCase)
#   make PROGRAM [ARGS="..."]             build and run one of the programs
#   make kit-objects                      only the kit's own objects
#
# A lab folder holds at its top what the student reads and edits: the
# submit files (exactly the .c files there; lab.ini names them for the
# grader, which checks the two agree), their headers, and tests/. The kit's
# own parts are in kit/: lab.ini, the programs, the files they and the tests
# share (serial references, helpers), and kit/wrap/, link-time wrappers
# linked into the test program only.
#
# The submit files are taken from SUBMIT_DIR (the lab folder by default;
# the top Makefile points it at solutions/NN-name, the grader at a
# submission's work folder). The kit's objects go to KIT_OBJS_DIR (OUT by
# default), which the grader points at the kit's own build, built once.

KIT_ROOT := $(abspath $(KIT_ROOT))
LAB_DIR ?= $(CURDIR)
LAB_DIR := $(abspath $(LAB_DIR))
# `override`: a LAB=NN given to the top Makefile (make mutants LAB=06)
# reaches every sub-make, and must not rename this one.
override LAB := $(notdir $(LAB_DIR))
LAB_KIT := $(LAB_DIR)/kit
SUBMIT_DIR ?= $(LAB_DIR)
SUBMIT_DIR := $(abspath $(SUBMIT_DIR))

include $(KIT_ROOT)/mk/config.mk

OUT ?= $(BUILD)/$(MODE)/labs/$(LAB)
OUT := $(abspath $(OUT))
KIT_OBJS_DIR ?= $(OUT)
KIT_OBJS_DIR := $(abspath $(KIT_OBJS_DIR))

LAB_SUBMIT := $(notdir $(wildcard $(LAB_DIR)/*.c))
ifeq ($(strip $(LAB_SUBMIT)),)
$(error $(LAB_DIR) holds no .c file at its top: no submit file)
endif

LAB_REQUIRES ?=
LAB_PKGS ?=
KIT_REQUIRES += $(LAB_REQUIRES)

KIT_SRCS := $(notdir $(wildcard $(LAB_KIT)/*.c))
KIT_SHARED := $(filter-out $(addsuffix .c,$(LAB_PROGRAMS)),$(KIT_SRCS))
WRAP_SRCS := $(notdir $(wildcard $(LAB_KIT)/wrap/*.c))
TEST_SRCS := $(notdir $(wildcard $(LAB_DIR)/tests/*.c))
# The instructor's hidden test cases (common/kit_hidden.h), where the
# course has some: linked into the lab's suite, never in a student kit.
# The grader builds their objects as the kit; the sandbox's user, who
# builds a submission, cannot read kit/hidden/ (grader/prepare/hidden.h)
# and links the objects it finds. Only the grader's builds (KIT_HIDDEN=1)
# link them: `make check` runs the lab's public tests, as in a student kit.
HIDDEN_SRCS := $(notdir $(wildcard $(LAB_KIT)/hidden/*.c))
HIDDEN_BUILT := $(addprefix $(KIT_OBJS_DIR)/kit/hidden/,$(HIDDEN_SRCS:.c=.o))
HIDDEN_OBJS := $(if $(KIT_HIDDEN),$(sort $(HIDDEN_BUILT) \
	$(wildcard $(KIT_OBJS_DIR)/kit/hidden/*.o)))
TEST_BIN := $(OUT)/$(basename $(firstword $(filter check_%,$(TEST_SRCS))))

SUBMIT_OBJS := $(addprefix $(OUT)/submit/,$(LAB_SUBMIT:.c=.o))
SHARED_OBJS := $(addprefix $(KIT_OBJS_DIR)/kit/,$(KIT_SHARED:.c=.o))
PROGRAM_OBJS := $(addprefix $(KIT_OBJS_DIR)/kit/,$(addsuffix .o,$(LAB_PROGRAMS)))
WRAP_OBJS := $(addprefix $(KIT_OBJS_DIR)/kit/wrap/,$(WRAP_SRCS:.c=.o))
TEST_OBJS := $(addprefix $(KIT_OBJS_DIR)/tests/,$(TEST_SRCS:.c=.o))
PROGRAMS := $(addprefix $(OUT)/,$(LAB_PROGRAMS))
# PROGRAM-reference: PROGRAM compiled with KIT_REFERENCE, which leaves out
# every call into the student's code (kit_bench.h), linked with no
# submission object: the serial reference and the calibration are timed in
# it, so nothing a submission does can slow them. Built with the kit's
# objects, once for every submission.
LAB_REFERENCE ?=
REFERENCE_OBJS := $(addprefix $(KIT_OBJS_DIR)/kit/,$(addsuffix .reference.o,$(LAB_REFERENCE)))
REFERENCES := $(addprefix $(KIT_OBJS_DIR)/,$(addsuffix -reference,$(LAB_REFERENCE)))

LAB_CFLAGS = $(KIT_CFLAGS) -I$(LAB_DIR) -I$(LAB_KIT) \
	$(call pc_cflags,hwloc $(LAB_PKGS))
LAB_LIBS = $(LIBKIT_LIBS) $(if $(LAB_PKGS),$(call pc_libs,$(LAB_PKGS)))

.PHONY: all check clean kit-objects preprocess $(LAB_PROGRAMS)
all: $(PROGRAMS) $(TEST_BIN) $(REFERENCES)
kit-objects: $(SHARED_OBJS) $(PROGRAM_OBJS) $(WRAP_OBJS) $(TEST_OBJS) $(HIDDEN_BUILT) \
	$(REFERENCES)

# The student's files: the one thing compiled per submission.
$(OUT)/submit/%.o: $(SUBMIT_DIR)/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -c $< -o $@

# The submit files preprocessed, for the grader's check that each reads
# the same in every build (MODE): one that asks whether a sanitizer watches
# it does not.
preprocess: $(addprefix $(OUT)/submit/,$(LAB_SUBMIT:.c=.i))
$(OUT)/submit/%.i: $(SUBMIT_DIR)/%.c | kit-deps
	@mkdir -p $(@D)
	$(Q)$(CC) $(LAB_CFLAGS) -E $< -o $@

$(KIT_OBJS_DIR)/tests/%.o: $(LAB_DIR)/tests/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -I$(LAB_KIT)/wrap $(call pc_cflags,check) -c $< -o $@

$(KIT_OBJS_DIR)/kit/hidden/%.o: $(LAB_KIT)/hidden/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -I$(LAB_DIR)/tests -I$(LAB_KIT)/wrap $(call pc_cflags,check) -c $< -o $@

$(KIT_OBJS_DIR)/kit/wrap/%.o: $(LAB_KIT)/wrap/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -I$(LAB_KIT)/wrap -c $< -o $@

$(KIT_OBJS_DIR)/kit/%.reference.o: $(LAB_KIT)/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<) (reference)"
	$(Q)$(CC) $(LAB_CFLAGS) -DKIT_REFERENCE -c $< -o $@

$(REFERENCES): $(KIT_OBJS_DIR)/%-reference: $(KIT_OBJS_DIR)/kit/%.reference.o \
		$(SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$@)"
	$(Q)$(CC) $(KIT_LDFLAGS) $(filter %.o,$^) $(LAB_LIBS) -o $@

$(KIT_OBJS_DIR)/kit/%.o: $(LAB_KIT)/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -c $< -o $@

$(PROGRAMS): $(OUT)/%: $(KIT_OBJS_DIR)/kit/%.o $(SUBMIT_OBJS) $(SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$@)"
	$(Q)$(CC) $(KIT_LDFLAGS) $(filter %.o,$^) $(LAB_LIBS) -o $@

$(TEST_BIN): $(TEST_OBJS) $(HIDDEN_OBJS) $(WRAP_OBJS) $(SUBMIT_OBJS) $(SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$@)"
	$(Q)$(CC) $(KIT_LDFLAGS) $(filter %.o,$^) $(LAB_LIBS) $(call pc_libs,check) -o $@

# Check forks each test, so a crash or an endless loop in one test is
# reported and the others still run; CK_DEFAULT_TIMEOUT bounds each test.
CHECK_TIMEOUT ?= 10
check: $(TEST_BIN)
	@echo "  TEST    $(LAB) (files from $(patsubst $(abspath $(KIT_ROOT))/%,%,$(SUBMIT_DIR)))"
	$(Q)CK_DEFAULT_TIMEOUT=$(CHECK_TIMEOUT) $(if $(CASE),CK_RUN_CASE="$(CASE)") $(TEST_BIN)

# `make bench ARGS="-t 4"`: a program of the lab, built with your files and
# run; no build/... path to type.
$(LAB_PROGRAMS): %: $(OUT)/%
	$(Q)$(OUT)/$@ $(ARGS)

clean:
	rm -rf $(OUT)

include $(KIT_ROOT)/mk/libkit.mk

-include $(SUBMIT_OBJS:.o=.d) $(SHARED_OBJS:.o=.d) $(PROGRAM_OBJS:.o=.d) \
	$(WRAP_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(HIDDEN_BUILT:.o=.d) $(REFERENCE_OBJS:.o=.d)
