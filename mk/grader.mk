# SPDX-License-Identifier: MIT
# How the grader (grader/) and its unit tests are built; included by the top
# Makefile. The grader's sources are its top folder (the command line and
# the pipeline) and one folder per stage; grader/README.md maps them.

GRADER_STAGES := base spec prepare run hang kinds report
GRADER_SRCS := $(wildcard $(KIT_ROOT)/grader/*.c) \
	$(foreach s,$(GRADER_STAGES),$(wildcard $(KIT_ROOT)/grader/$(s)/*.c))
GRADER_DIR = $(BUILD)/$(MODE)/grader
GRADER_OBJS = $(patsubst $(KIT_ROOT)/grader/%.c,$(GRADER_DIR)/%.o,$(GRADER_SRCS))
GRADER_LIB_OBJS = $(filter-out $(GRADER_DIR)/main.o,$(GRADER_OBJS))
GRADER = $(GRADER_DIR)/grader
GRADER_PKGS := inih jansson nettle libelf
KIT_REQUIRES += pc:inih pc:jansson pc:nettle pc:libelf cmd:rsync cmd:gnuplot cmd:gdb

GRADER_TEST_SRCS := $(wildcard $(KIT_ROOT)/grader/tests/*.c)
GRADER_TEST_OBJS = $(patsubst $(KIT_ROOT)/grader/tests/%.c,$(GRADER_DIR)/tests/%.o,$(GRADER_TEST_SRCS))
GRADER_TEST_BIN = $(GRADER_DIR)/tests/check_grader

.PHONY: grader grader-tests run-grader-tests
grader: $(GRADER)
grader-tests: $(GRADER_TEST_BIN)

$(GRADER_DIR)/%.o: $(KIT_ROOT)/grader/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$(abspath $<))"
	$(Q)$(CC) $(KIT_CFLAGS) -I$(KIT_ROOT)/grader $(call pc_cflags,$(GRADER_PKGS) hwloc) -c $< -o $@

$(GRADER_DIR)/tests/%.o: $(KIT_ROOT)/grader/tests/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$(abspath $<))"
	$(Q)$(CC) $(KIT_CFLAGS) -I$(KIT_ROOT)/grader -DKIT_ROOT='"$(abspath $(KIT_ROOT))"' \
	    $(call pc_cflags,$(GRADER_PKGS) check hwloc) -c $< -o $@

$(GRADER): $(GRADER_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$(abspath $@))"
	$(Q)$(CC) $(KIT_LDFLAGS) $(GRADER_OBJS) $(LIBKIT_LIBS) $(call pc_libs,$(GRADER_PKGS)) -o $@

$(GRADER_TEST_BIN): $(GRADER_TEST_OBJS) $(GRADER_LIB_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$(abspath $@))"
	$(Q)$(CC) $(KIT_LDFLAGS) $(GRADER_TEST_OBJS) $(GRADER_LIB_OBJS) $(LIBKIT_LIBS) \
	    $(call pc_libs,$(GRADER_PKGS) check) -o $@

# The tcases tagged "waits" (the hang diagnosis's, which mostly wait on
# programs that sleep or deadlock) run each as a process of its own beside
# the others, selected by their second tag (read from the sources), their
# reports after the others'; all must pass.
GRADER_WAITS := $(shell sed -n 's/.*tcase_set_tags([^,]*, *"waits \([a-z-]*\)").*/\1/p' \
	$(KIT_ROOT)/grader/tests/*.c)
run-grader-tests: $(GRADER_TEST_BIN)
	$(Q)export CK_DEFAULT_TIMEOUT=60; waits=; \
	for w in $(GRADER_WAITS); do \
	    CK_INCLUDE_TAGS=$$w $(GRADER_TEST_BIN) >$(GRADER_DIR)/tests/waits-$$w.log 2>&1 & \
	    waits="$$waits $$!"; done; \
	CK_EXCLUDE_TAGS=waits $(GRADER_TEST_BIN); status=$$?; \
	for p in $$waits; do wait $$p || status=1; done; \
	for w in $(GRADER_WAITS); do cat $(GRADER_DIR)/tests/waits-$$w.log; done; \
	exit $$status

-include $(GRADER_OBJS:.o=.d) $(GRADER_TEST_OBJS:.o=.d)
