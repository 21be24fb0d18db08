/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the speedup kind, by the calibrated protocol.
 * The student's parallel kernel is timed against the kit's serial
 * reference, and judged as a fraction of the speedup a perfectly parallel
 * calibration kernel gets at the same moment on the same cores, so that a
 * verdict means the same on a busy 2-core CI runner as on an idle 64-core
 * server. This header is what its unit tests reach. */
#ifndef GRADER_KINDS_SPEEDUP_H
#define GRADER_KINDS_SPEEDUP_H

#include "spec/labini.h"

/* Thread counts to measure: the lab's list capped at the usable CPUs,
 * without repeats, in increasing order; returns how many (0 with one usable
 * CPU, where no speedup can be measured). */
int speedup_thread_counts(const struct test_spec *test, int usable, int *out,
                          int max);

#endif
