/* SPDX-License-Identifier: MIT */
/* The grader's base: the seeds of the inputs of timed runs. A grading has
 * one seed, printed in its report; each run of student code gets a seed
 * derived from it, a keyed hash (HMAC-SHA256, nettle's) of the run's
 * number. Student code sees only its own runs' seeds, never the grading's,
 * so it cannot tell which inputs a later run will get, and results it
 * works out ahead of time, in one run for another, are of no use; from
 * the grading's seed (--seed) every run's inputs come back the same. */
#ifndef GRADER_BASE_SEEDS_H
#define GRADER_BASE_SEEDS_H

#include <stdint.h>

/* A seed for a grading nobody asked to replay: from the kernel's random
 * source, under 2^48 so that it reads out of a report and types back. */
uint64_t seeds_fresh(void);

/* The seed of run `index` of the grading of seed `grading`: under 2^48,
 * leaving room for the run's repetitions (seed + r) after it. */
uint64_t seeds_derive(uint64_t grading, uint64_t index);

#endif
