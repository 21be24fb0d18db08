# The rules every lab shares; a lab's Makefile sets LAB_PROGRAMS (the kit's
# programs in the lab folder, each a main) and includes this file.
#
#   make [MODE=release|debug|tsan|asan]   build the programs and the tests
#   make check                            run the public tests
#
# The files a student edits are the `submit` files of lab.ini; they are taken
# from SUBMIT_DIR (the lab folder by default; the top Makefile points it at
# solutions/NN-name to test the reference). Everything else, headers
# included, comes from the lab folder.

KIT_ROOT := $(abspath $(KIT_ROOT))
LAB_DIR ?= $(CURDIR)
LAB_DIR := $(abspath $(LAB_DIR))
LAB := $(notdir $(LAB_DIR))
SUBMIT_DIR ?= $(LAB_DIR)
SUBMIT_DIR := $(abspath $(SUBMIT_DIR))

include $(KIT_ROOT)/mk/config.mk

OUT ?= $(BUILD)/$(MODE)/labs/$(LAB)
OUT := $(abspath $(OUT))

# lab.ini is the one place that names the submit files: "submit = a.c b.c".
LAB_SUBMIT := $(shell sed -n 's/^submit[ \t]*=[ \t]*\([^;]*\).*/\1/p' $(LAB_DIR)/lab.ini)
ifeq ($(strip $(LAB_SUBMIT)),)
$(error $(LAB_DIR)/lab.ini names no submit files)
endif

LAB_REQUIRES ?=
LAB_PKGS ?=
KIT_REQUIRES += $(LAB_REQUIRES)

LAB_SRCS := $(notdir $(wildcard $(LAB_DIR)/*.c))
LAB_SHARED := $(filter-out $(LAB_SUBMIT) $(addsuffix .c,$(LAB_PROGRAMS)),$(LAB_SRCS))
TEST_SRCS := $(notdir $(wildcard $(LAB_DIR)/tests/*.c))
TEST_BIN := $(OUT)/$(basename $(firstword $(filter check_%,$(TEST_SRCS))))

SUBMIT_OBJS := $(addprefix $(OUT)/submit/,$(LAB_SUBMIT:.c=.o))
SHARED_OBJS := $(addprefix $(OUT)/,$(LAB_SHARED:.c=.o))
TEST_OBJS := $(addprefix $(OUT)/tests/,$(TEST_SRCS:.c=.o))
PROGRAMS := $(addprefix $(OUT)/,$(LAB_PROGRAMS))

LAB_CFLAGS = $(KIT_CFLAGS) -I$(LAB_DIR) $(call pc_cflags,hwloc $(LAB_PKGS))
LAB_LIBS = $(LIBKIT_LIBS) $(if $(LAB_PKGS),$(call pc_libs,$(LAB_PKGS)))

.PHONY: all check clean
all: $(PROGRAMS) $(TEST_BIN)

$(OUT)/submit/%.o: $(SUBMIT_DIR)/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -c $< -o $@

$(OUT)/tests/%.o: $(LAB_DIR)/tests/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) $(call pc_cflags,check) -c $< -o $@

$(OUT)/%.o: $(LAB_DIR)/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$<)"
	$(Q)$(CC) $(LAB_CFLAGS) -c $< -o $@

$(PROGRAMS): $(OUT)/%: $(OUT)/%.o $(SUBMIT_OBJS) $(SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$@)"
	$(Q)$(CC) $(KIT_LDFLAGS) $(filter %.o,$^) $(LAB_LIBS) -o $@

$(TEST_BIN): $(TEST_OBJS) $(SUBMIT_OBJS) $(SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$@)"
	$(Q)$(CC) $(KIT_LDFLAGS) $(filter %.o,$^) $(LAB_LIBS) $(call pc_libs,check) -o $@

# Check forks each test, so a crash or an endless loop in one test is
# reported and the others still run; CK_DEFAULT_TIMEOUT bounds each test.
CHECK_TIMEOUT ?= 10
check: $(TEST_BIN)
	@echo "  TEST    $(LAB) (files from $(patsubst $(abspath $(KIT_ROOT))/%,%,$(SUBMIT_DIR)))"
	$(Q)CK_DEFAULT_TIMEOUT=$(CHECK_TIMEOUT) $(TEST_BIN)

clean:
	rm -rf $(OUT)

include $(KIT_ROOT)/mk/libkit.mk

-include $(SUBMIT_OBJS:.o=.d) $(SHARED_OBJS:.o=.d) $(TEST_OBJS:.o=.d) \
	$(PROGRAMS:=.d)
