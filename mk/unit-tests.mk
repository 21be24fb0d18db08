# SPDX-License-Identifier: MIT
# The unit tests of libkit (common/tests/), one Check suite per module,
# linked into one runner.

UNIT_SRCS := $(wildcard $(KIT_ROOT)/common/tests/*.c)
UNIT_DIR = $(BUILD)/$(MODE)/common/tests
UNIT_OBJS = $(patsubst $(KIT_ROOT)/common/tests/%.c,$(UNIT_DIR)/%.o,$(UNIT_SRCS))
UNIT_BIN = $(UNIT_DIR)/check_kit

.PHONY: unit-tests run-unit-tests
unit-tests: $(UNIT_BIN)

$(UNIT_DIR)/%.o: $(KIT_ROOT)/common/tests/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$(abspath $<))"
	$(Q)$(CC) $(KIT_CFLAGS) $(call pc_cflags,check hwloc) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$(abspath $@))"
	$(Q)$(CC) $(KIT_LDFLAGS) $(UNIT_OBJS) $(LIBKIT_LIBS) $(call pc_libs,check) -o $@

run-unit-tests: $(UNIT_BIN)
	$(Q)CK_DEFAULT_TIMEOUT=20 $(UNIT_BIN)

-include $(UNIT_OBJS:.o=.d)
