/* SPDX-License-Identifier: MIT */
/**
 * @file kit_calibrate.h
 * @brief Perfectly parallel kernels that tell what speedup this machine
 * allows right now.
 *
 * A speedup of 1.6 on 2 threads is excellent on a busy CI runner and poor on
 * an idle workstation. The grader therefore measures, beside the student's
 * code, a kernel with no serial part and no sharing, at the same thread
 * count and under the same load, and judges the student's speedup as a
 * fraction of the calibration kernel's. Two characters of work exist:
 * compute-bound (arithmetic in registers: scales with cores) and
 * memory-bound (streaming a large array: scales until memory bandwidth runs
 * out, often well before the core count).
 */
#ifndef KIT_CALIBRATE_H
#define KIT_CALIBRATE_H

#include <stdbool.h>
#include <stdint.h>

/** The character of a calibration kernel. */
enum kit_calibration {
    KIT_CALIBRATION_COMPUTE, /**< dependent arithmetic, no memory traffic */
    KIT_CALIBRATION_MEMORY   /**< a dot product of two large arrays */
};

/**
 * Read "compute" or "memory".
 * @return true and the kind in @p out, or false for any other name
 */
bool kit_calibration_parse(const char *name, enum kit_calibration *out);

/** "compute" or "memory". */
const char *kit_calibration_name(enum kit_calibration kind);

/**
 * Make the input of a kernel of @p n steps: for memory, two arrays of @p n
 * doubles filled from @p seed; for compute, nothing. Exits on out of memory.
 */
void *kit_calibration_setup(enum kit_calibration kind, long n, uint64_t seed);

/**
 * Run the kernel on @p threads threads, each taking an equal contiguous
 * share of the @p n steps; threads are created and joined inside, as a
 * student's parallel function does.
 * @return a checksum, so the work cannot be optimised away
 */
double kit_calibration_run(enum kit_calibration kind, void *input, long n,
                           int threads);

/** Free what kit_calibration_setup() made. */
void kit_calibration_teardown(void *input);

#endif
