/* The grader: the statistics behind a speedup verdict. Medians, not means:
 * one run slowed by a background job must not move the verdict. */
#ifndef GRADER_STATS_H
#define GRADER_STATS_H

#include "kit_calibrate.h"

#include <stdbool.h>
#include <stddef.h>

/* The q-quantile (0 <= q <= 1) of n values, interpolated; 0 when n == 0. */
double stats_quantile(const double *values, size_t n, double q);

/* The median of n values. */
double stats_median(const double *values, size_t n);

/* Interquartile range over median: how widely values spread, 0.1 = 10 %. */
double stats_spread(const double *values, size_t n);

/* Whether the median is pinned down: half the interquartile range, over
 * the median, below `tolerance`; needs at least 3 values. */
bool stats_stable(const double *values, size_t n, double tolerance);

/* Points for a speedup ratio (student's speedup over the calibration's):
 * all of `points` at or above `target`, proportionally fewer below, none
 * for a ratio of 0 or less. */
double stats_speedup_score(double ratio, double target, double points);

/* What the noise gate looks at after a set of rounds. */
struct noise_input {
    const double *serial_ms; /* wall times of the serial reference */
    size_t nserial;
    double calibration_speedup; /* median, at `threads` */
    int threads;
    enum kit_calibration calibration;
    long throttled; /* cgroup throttling periods during the rounds */
};

/* True when the machine was too noisy for a verdict, with the reason in
 * `why`. Serial runs that spread widely, a compute-bound calibration far
 * below the thread count (someone else is using the cores) and cgroup
 * throttling all mean the numbers say more about the machine than about
 * the student. */
bool stats_noisy(const struct noise_input *in, char *why, size_t len);

#endif
