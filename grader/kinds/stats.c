/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: medians, spreads, the scoring curve and the noise
 * gate. */
#include "kinds/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
stats_quantile(const double *values, size_t n, double q)
{
    double *sorted, pos, result;
    size_t lo;

    if (n == 0)
        return 0;
    sorted = malloc(n * sizeof(*sorted));
    if (sorted == NULL)
        return values[0];
    memcpy(sorted, values, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), compare_doubles);
    pos = q * (double)(n - 1);
    lo = (size_t)pos;
    if (lo + 1 < n)
        result =
            sorted[lo] + (pos - (double)lo) * (sorted[lo + 1] - sorted[lo]);
    else
        result = sorted[n - 1];
    free(sorted);
    return result;
}

double
stats_median(const double *values, size_t n)
{
    return stats_quantile(values, n, 0.5);
}

double
stats_spread(const double *values, size_t n)
{
    double median = stats_median(values, n);

    if (median <= 0)
        return 0;
    return (stats_quantile(values, n, 0.75) - stats_quantile(values, n, 0.25)) /
           median;
}

bool
stats_stable(const double *values, size_t n, double tolerance)
{
    return n >= 3 && stats_spread(values, n) / 2 < tolerance;
}

double
stats_speedup_score(double student, double calibration, double target,
                    double points)
{
    double full = target * calibration;

    if (!(student > 1) || !(full > 1))
        return 0;
    if (student >= full)
        return points;
    /* Zero at the serial reference's speed, not at zero speed: scaling
     * from zero would pay a serial submission 1 / (target C) of the
     * points, over half of them on two cores. */
    return points * (student - 1) / (full - 1);
}

bool
stats_clear_verdict(const double *student, const double *calibration, size_t n,
                    double target)
{
    bool full = n >= STATS_CLEAR_ROUNDS, none = n >= STATS_CLEAR_ROUNDS;

    for (size_t i = 0; i < n; i++) {
        full = full && calibration[i] > 0 &&
               student[i] / calibration[i] >= target * 1.05;
        none = none && student[i] <= 1.0;
    }
    return full || none;
}

bool
stats_can_judge(double calibration, double target)
{
    return target * calibration >= 1.1;
}

bool
stats_noisy(const struct noise_input *in, char *why, size_t len)
{
    /* Thresholds: a quiet machine spreads serial times by a few percent and
     * a compute-bound perfectly parallel kernel reaches 0.9 P or more. */
    const double max_spread = 0.20;
    const double min_compute_efficiency = 0.6;
    double spread = stats_spread(in->serial_ms, in->nserial);

    if (in->throttled > 0) {
        snprintf(why, len,
                 "the cgroup's CPU quota throttled the runs %ld times",
                 in->throttled);
        return true;
    }
    if (spread > max_spread) {
        snprintf(why, len,
                 "the serial reference's times spread by %.0f%% (more than "
                 "%.0f%%): the machine's speed changed while measuring",
                 100 * spread, 100 * max_spread);
        return true;
    }
    if (in->calibration == KIT_CALIBRATION_COMPUTE &&
        in->calibration_speedup < min_compute_efficiency * in->threads) {
        snprintf(why, len,
                 "the calibration kernel, which has no serial part, reached "
                 "only %.2fx on %d threads: other programs are using the cores",
                 in->calibration_speedup, in->threads);
        return true;
    }
    if (in->calibration == KIT_CALIBRATION_MEMORY &&
        in->calibration_speedup < 0.9) {
        snprintf(why, len,
                 "the memory-bound calibration kernel ran slower on %d "
                 "threads than on one (%.2fx): the machine is overloaded",
                 in->threads, in->calibration_speedup);
        return true;
    }
    return false;
}
