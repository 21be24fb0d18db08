# SPDX-License-Identifier: MIT
# How libkit (common/) and its unit tests are built; included by the top
# Makefile and by every lab's Makefile, so a lab builds on its own too.

LIBKIT_SRCS := $(wildcard $(KIT_ROOT)/common/*.c)
LIBKIT_OBJS = $(patsubst $(KIT_ROOT)/common/%.c,$(LIBKIT_DIR)/%.o,$(LIBKIT_SRCS))

$(LIBKIT_DIR)/%.o: $(KIT_ROOT)/common/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$(abspath $<))"
	$(Q)$(CC) $(KIT_CFLAGS) $(call pc_cflags,hwloc) -c $< -o $@

$(LIBKIT): $(LIBKIT_OBJS)
	@echo "  AR      $(patsubst $(abspath $(BUILD))/%,build/%,$(abspath $@))"
	$(Q)$(AR) rcs $@.$$$$ $^ && mv -f $@.$$$$ $@

# Install what is missing before anything compiles. Order-only, so it never
# makes a target out of date; the check itself takes a few milliseconds.
.PHONY: kit-deps
kit-deps:
	@$(DEPS_SH) ensure $(KIT_REQUIRES)

-include $(LIBKIT_OBJS:.o=.d)
