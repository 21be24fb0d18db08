# SPDX-License-Identifier: MIT
# Grading a whole class from a folder: make grade-class. The program is
# grader/class/, linked with the grader's base and lab-spec stages (the
# same lab catalogue and files code), built into
# $(BUILD)/$(MODE)/grader/grade-class; it runs the release grader once per
# student and lab. Included by the top Makefile, after mk/grader.mk.

CLASS_SRCS := $(wildcard $(KIT_ROOT)/grader/class/*.c)
CLASS_DIR = $(BUILD)/$(MODE)/grader/class
CLASS_OBJS = $(patsubst $(KIT_ROOT)/grader/class/%.c,$(CLASS_DIR)/%.o,$(CLASS_SRCS))
CLASS_SHARED_OBJS = $(filter $(GRADER_DIR)/base/%.o $(GRADER_DIR)/spec/%.o,$(GRADER_OBJS))
GRADE_CLASS = $(BUILD)/$(MODE)/grader/grade-class

.PHONY: grade-class grade-class-bin bench-class
all: grade-class-bin
grade-class-bin: $(GRADE_CLASS)

$(CLASS_DIR)/%.o: $(KIT_ROOT)/grader/class/%.c | kit-deps
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(abspath $(KIT_ROOT))/%,%,$(abspath $<))"
	$(Q)$(CC) $(KIT_CFLAGS) -I$(KIT_ROOT)/grader -I$(KIT_ROOT)/grader/class \
	    $(call pc_cflags,$(GRADER_PKGS) hwloc) -c $< -o $@

$(GRADE_CLASS): $(CLASS_OBJS) $(CLASS_SHARED_OBJS) $(LIBKIT)
	@echo "  LD      $(patsubst $(abspath $(BUILD))/%,build/%,$(abspath $@))"
	$(Q)$(CC) $(KIT_LDFLAGS) $(CLASS_OBJS) $(CLASS_SHARED_OBJS) $(LIBKIT_LIBS) \
	    $(call pc_libs,$(GRADER_PKGS)) -o $@

# Like `make grade`, the release builds of the grader and of grade-class
# run, whatever MODE says. Through make, any failure exits 2; the program's
# own status says more (0 all graded, 1 some could not be, 2 bad usage).
CLASS_ARGS = --kit $(CURDIR) --submissions "$(SUBMISSIONS)" \
	$(if $(LAB),--lab "$(LAB)") $(if $(OUT),--out "$(OUT)") \
	$(if $(TEST),--test "$(TEST)") $(if $(JOBS),--jobs "$(JOBS)") \
	$(if $(filter-out 0,$(FORCE)),--force) \
	$(if $(filter-out 0,$(REGRADE_HELD)),--regrade-held) \
	$(if $(SLURM),--slurm "$(SLURM)") \
	$(if $(SBATCH_ARGS),--sbatch-args "$(SBATCH_ARGS)")
grade-class:
	$(Q)if [ -z "$(SUBMISSIONS)" ]; then \
	    echo "make grade-class: give SUBMISSIONS=DIR, a folder with one folder per student" \
	         "(see grader/class/README.md)" >&2; exit 2; fi
	$(Q)$(MAKE) -s grader grade-class-bin MODE=release
	$(Q)$(BUILD)/release/grader/grade-class $(CLASS_ARGS)

# Grades N generated submissions of lab 02 (solution, starter and the
# grader's fixtures in turn) and prints submissions per minute; SLURM=N
# grades them through a Slurm job array.
bench-class:
	$(Q)$(MAKE) -s grader grade-class-bin MODE=release
	$(Q)N="$(N)" SLURM="$(SLURM)" $(KIT_ROOT)/mk/bench-class.sh

-include $(CLASS_OBJS:.o=.d)
