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

/* The largest speedup P threads may show before it is called work not
 * done: a margin over the larger of P and the calibration kernel's speedup
 * at the same moment (which gets every gain the caches give). */
double speedup_most_allowed(int threads, double calibration);

/* The part of a speedup that earns points: only parallelism does. P
 * threads that kept `cores` cores busy (CPU time over wall time) are at
 * most `cores` times as fast as the serial work, unless each does less
 * than the serial reference (a tighter loop, or a serial run the machine
 * slowed); that part is not parallelism, and is not paid. Serial code
 * measures a little above one core at times: up to 1.05 counts as one. */
double speedup_credited(double speedup, double cores);

#endif
