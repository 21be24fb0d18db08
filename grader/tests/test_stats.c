/* SPDX-License-Identifier: MIT */
/* Unit tests of the statistics behind speedup verdicts: medians, spread,
 * the scoring curve, and the noise gate's decisions on synthetic timings. */
#include "kinds/speedup.h"
#include "kinds/stats.h"
#include "suites.h"

#include <string.h>

START_TEST(median_and_quantiles)
{
    const double odd[] = {5, 1, 4, 2, 3};
    const double even[] = {4, 1, 3, 2};

    ck_assert_double_eq(stats_median(odd, 5), 3);
    ck_assert_double_eq(stats_median(even, 4), 2.5);
    ck_assert_double_eq(stats_quantile(odd, 5, 0), 1);
    ck_assert_double_eq(stats_quantile(odd, 5, 1), 5);
    ck_assert_double_eq(stats_quantile(odd, 5, 0.25), 2);
    ck_assert_double_eq(stats_median(odd, 0), 0);
    /* The input is not reordered. */
    ck_assert_double_eq(odd[0], 5);
}
END_TEST

START_TEST(one_outlier_does_not_move_the_median)
{
    const double quiet[] = {100, 101, 99, 100, 102};
    const double one_slow[] = {100, 101, 99, 100, 400};

    ck_assert_double_eq(stats_median(quiet, 5), stats_median(one_slow, 5));
}
END_TEST

START_TEST(spread_and_stability)
{
    const double tight[] = {100, 101, 99, 100, 102, 100};
    const double wide[] = {100, 150, 70, 130, 90, 60};

    ck_assert(stats_spread(tight, 6) < 0.02);
    ck_assert(stats_spread(wide, 6) > 0.3);
    ck_assert(stats_stable(tight, 6, 0.05));
    ck_assert(!stats_stable(wide, 6, 0.05));
    ck_assert(!stats_stable(tight, 2, 0.05)); /* too few to tell */
}
END_TEST

START_TEST(scoring_curve)
{
    /* Calibration 2.0x, target 0.8: full marks from 1.6x. */
    ck_assert_double_eq(stats_speedup_score(1.9, 2.0, 0.8, 40), 40);
    ck_assert_double_eq(stats_speedup_score(1.6, 2.0, 0.8, 40), 40);
    /* Half the gain over serial, half the points. */
    ck_assert_double_eq_tol(stats_speedup_score(1.3, 2.0, 0.8, 40), 20, 1e-9);
    /* As fast as the serial reference, or slower: nothing. */
    ck_assert_double_eq(stats_speedup_score(1.0, 2.0, 0.8, 40), 0);
    ck_assert_double_eq(stats_speedup_score(0.5, 2.0, 0.8, 40), 0);
    ck_assert_double_eq(stats_speedup_score(-1, 2.0, 0.8, 40), 0);
    ck_assert_double_eq(stats_speedup_score(7.5, 8.0, 0.8, 40), 40);
    /* A calibration too low to judge by. */
    ck_assert(stats_can_judge(2.0, 0.8));
    ck_assert(!stats_can_judge(1.2, 0.7));
    ck_assert_double_eq(stats_speedup_score(1.0, 1.2, 0.7, 40), 0);
}
END_TEST

START_TEST(noise_gate_decisions)
{
    const double steady[] = {200, 201, 199, 202, 200};
    const double jumpy[] = {200, 320, 150, 290, 180};
    char why[400];
    struct noise_input in = {
        .serial_ms = steady,
        .nserial = 5,
        .calibration_speedup = 1.95,
        .threads = 2,
        .calibration = KIT_CALIBRATION_COMPUTE,
    };

    ck_assert_msg(!stats_noisy(&in, why, sizeof(why)), "%s", why);
    /* A busy core: the perfectly parallel kernel gets 1.1x of 2. */
    in.calibration_speedup = 1.1;
    ck_assert(stats_noisy(&in, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "other programs are using the cores"));
    /* Memory-bound calibration may honestly reach only 1.1x. */
    in.calibration = KIT_CALIBRATION_MEMORY;
    ck_assert(!stats_noisy(&in, why, sizeof(why)));
    in.calibration_speedup = 0.7;
    ck_assert(stats_noisy(&in, why, sizeof(why)));
    /* Serial times all over the place. */
    in.calibration_speedup = 1.9;
    in.serial_ms = jumpy;
    ck_assert(stats_noisy(&in, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "spread"));
    /* A quota that throttled the runs. */
    in.serial_ms = steady;
    in.throttled = 3;
    ck_assert(stats_noisy(&in, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "throttled"));
}
END_TEST

START_TEST(clear_verdicts_stop_early)
{
    /* Ratios 0.94, 0.90, 0.97 against a target of 0.8: full points. */
    const double fast[] = {1.84, 1.78, 1.90}, cal[] = {1.96, 1.98, 1.96};
    /* Serial code: no round faster than the serial reference. */
    const double serial[] = {0.99, 1.0, 0.97};
    /* One round below target + 5 %: the medians must decide. */
    const double near[] = {1.84, 1.62, 1.90};

    ck_assert(stats_clear_verdict(fast, cal, 3, 0.8));
    ck_assert(stats_clear_verdict(serial, cal, 3, 0.8));
    ck_assert(!stats_clear_verdict(near, cal, 3, 0.8));
    /* Two rounds fix nothing, however clear. */
    ck_assert(!stats_clear_verdict(fast, cal, 2, 0.8));
    ck_assert(!stats_clear_verdict(serial, cal, 2, 0.8));
    /* A speedup of 1.2 is neither full marks nor none. */
    const double some[] = {1.2, 1.2, 1.2};
    ck_assert(!stats_clear_verdict(some, cal, 3, 0.8));
}
END_TEST

START_TEST(thread_counts_capped_at_usable)
{
    struct test_spec t = {.threads = {2, 4, 8}, .nthreads = 3};
    int out[16];

    ck_assert_int_eq(speedup_thread_counts(&t, 1, out, 16), 0);
    ck_assert_int_eq(speedup_thread_counts(&t, 2, out, 16), 1);
    ck_assert_int_eq(out[0], 2);
    ck_assert_int_eq(speedup_thread_counts(&t, 6, out, 16), 3);
    ck_assert_int_eq(out[0], 2);
    ck_assert_int_eq(out[1], 4);
    ck_assert_int_eq(out[2], 6);
    ck_assert_int_eq(speedup_thread_counts(&t, 64, out, 16), 3);
    ck_assert_int_eq(out[2], 8);
    struct test_spec ones = {.threads = {1, 1}, .nthreads = 2};
    ck_assert_int_eq(speedup_thread_counts(&ones, 4, out, 16), 0);
}
END_TEST

START_TEST(speedups_no_machine_gives)
{
    /* Two threads: up to 2.5x, or more where the calibration got more. */
    ck_assert_double_eq_tol(speedup_most_allowed(2, 1.9), 2.5, 1e-12);
    ck_assert_double_eq_tol(speedup_most_allowed(8, 12.0), 15.0, 1e-12);
    ck_assert(1.95 < speedup_most_allowed(2, 1.5));
    ck_assert(3.0 > speedup_most_allowed(2, 1.5));
}
END_TEST

START_TEST(only_parallelism_is_paid)
{
    /* Serial code a little faster than the reference: one core busy, so
     * a speedup of 1 at most, which earns nothing. */
    ck_assert_double_eq(speedup_credited(1.05, 1.0), 1.0);
    ck_assert_double_eq(
        stats_speedup_score(speedup_credited(1.05, 1.0), 1.5, 0.8, 15), 0);
    /* One core busy, measured a hair above one: still serial code. */
    ck_assert_double_eq(
        stats_speedup_score(speedup_credited(1.06, 1.0006), 1.62, 0.8, 15), 0);
    ck_assert_double_eq(speedup_credited(1.3, 1.04), 1.0);
    /* Parallel code keeps more cores busy than it gains: all of it counts. */
    ck_assert_double_eq(speedup_credited(1.82, 1.87), 1.82);
}
END_TEST

Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("statistics");

    tcase_add_test(tc, median_and_quantiles);
    tcase_add_test(tc, one_outlier_does_not_move_the_median);
    tcase_add_test(tc, spread_and_stability);
    tcase_add_test(tc, scoring_curve);
    tcase_add_test(tc, noise_gate_decisions);
    tcase_add_test(tc, clear_verdicts_stop_early);
    tcase_add_test(tc, thread_counts_capped_at_usable);
    tcase_add_test(tc, speedups_no_machine_gives);
    tcase_add_test(tc, only_parallelism_is_paid);
    suite_add_tcase(s, tc);
    return s;
}
