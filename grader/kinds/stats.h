/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the statistics behind a speedup verdict. Medians,
 * not means: one run slowed by a background job must not move the verdict. */
#ifndef GRADER_KINDS_STATS_H
#define GRADER_KINDS_STATS_H

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

/* Points for a student's speedup S beside the calibration kernel's C: all
 * of `points` when S / C reaches `target`, none when S is 1 or less (code
 * that runs no faster than the serial reference), and in between in
 * proportion to the speedup gained: points * (S - 1) / (target * C - 1).
 * Only meaningful when target * C > 1; see stats_can_judge(). */
double stats_speedup_score(double student, double calibration, double target,
                           double points);

/* Whether n rounds (at least STATS_CLEAR_ROUNDS) already fix the verdict,
 * whatever more rounds would show: every round's ratio of the student's
 * speedup to the calibration's at least `target` plus a 5 % margin (full
 * points), or every round's student speedup at most 1 (none). Anything in
 * between needs the medians. */
#define STATS_CLEAR_ROUNDS 3
bool stats_clear_verdict(const double *student, const double *calibration,
                         size_t n, double target);

/* Whether a calibration speedup C lets a target tell parallel code from
 * serial: the full-marks speedup target * C must clearly exceed 1. */
bool stats_can_judge(double calibration, double target);

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
