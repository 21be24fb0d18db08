# SPDX-License-Identifier: MIT
# Compiler flags and build flavours shared by every Makefile of the kit.
# Included with KIT_ROOT set to the kit's top folder.

MODE ?= release
BUILD ?= $(KIT_ROOT)/build
CC ?= cc

MODES := release debug tsan asan
ifeq ($(filter $(MODE),$(MODES)),)
$(error MODE=$(MODE) is not one of: $(MODES))
endif

WARNINGS := -Wall -Wextra -Werror
# The kit is C11 on POSIX; a file that needs a GNU extension (CPU_SET,
# sched_getaffinity) defines _GNU_SOURCE itself, so the need is visible.
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) -pthread -MMD -MP
LDFLAGS_BASE := -pthread

# release: what speedup is measured with; debug: for gdb; tsan and asan: the
# sanitizer builds the grader runs the tests under (frame pointers keep their
# reports readable).
CFLAGS_release := -O2 -g
CFLAGS_debug := -O0 -g3
CFLAGS_tsan := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
CFLAGS_asan := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS_tsan := -fsanitize=thread
LDFLAGS_asan := -fsanitize=address,undefined

KIT_CFLAGS = $(CFLAGS_BASE) $(CFLAGS_$(MODE)) -I$(KIT_ROOT)/common $(EXTRA_CFLAGS)
KIT_LDFLAGS = $(LDFLAGS_BASE) $(LDFLAGS_$(MODE)) $(EXTRA_LDFLAGS)

# Libraries found through pkg-config. These are recursively expanded on
# purpose: they are evaluated when a recipe runs, after the order-only
# prerequisite `deps` below has installed whatever was missing.
pc_cflags = $(shell pkg-config --cflags $(1))
pc_libs = $(shell pkg-config --libs $(1))

# Everything the kit links against, as requirements for mk/deps.sh.
KIT_REQUIRES := pc:check pc:hwloc
DEPS_SH := $(KIT_ROOT)/mk/deps.sh

# The libkit archive, and what linking against it takes.
LIBKIT_DIR = $(BUILD)/$(MODE)/common
LIBKIT = $(LIBKIT_DIR)/libkit.a
LIBKIT_LIBS = $(LIBKIT) $(call pc_libs,hwloc) -lm

Q := @
ifeq ($(V),1)
Q :=
endif
MAKEFLAGS += --no-print-directory
