/* SPDX-License-Identifier: MIT */
/* Unit tests of kit_time: clocks move forward and CPU time follows work. */
#include "kit_time.h"
#include "suites.h"

#include <time.h>

/* Burn CPU on purpose; volatile keeps the compiler from removing the loop. */
static void
spin_for_ns(int64_t ns)
{
    volatile unsigned long sink = 0;
    int64_t end = kit_now_ns() + ns;

    while (kit_now_ns() < end)
        for (int i = 0; i < 1000; i++)
            sink += (unsigned long)i;
}

START_TEST(wall_clock_is_monotonic_and_counts_sleep)
{
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
    int64_t before = kit_now_ns();

    ck_assert_int_eq(nanosleep(&nap, NULL), 0);
    int64_t slept = kit_now_ns() - before;
    ck_assert_msg(slept >= 20 * 1000 * 1000,
                  "a 20 ms sleep measured as %lld ns", (long long)slept);
    for (int i = 0; i < 1000; i++) {
        int64_t a = kit_now_ns(), b = kit_now_ns();
        ck_assert_int_le(a, b);
    }
}
END_TEST

START_TEST(sleeping_costs_no_cpu_time)
{
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
    struct kit_stopwatch sw;

    kit_stopwatch_start(&sw);
    ck_assert_int_eq(nanosleep(&nap, NULL), 0);
    struct kit_elapsed e = kit_stopwatch_stop(&sw);
    ck_assert_int_ge(e.wall_ns, 50 * 1000 * 1000);
    /* A sleep costs microseconds of CPU at most, far below 10 ms. */
    ck_assert_msg(e.cpu_ns < 10 * 1000 * 1000, "sleep used %lld ns of CPU",
                  (long long)e.cpu_ns);
    ck_assert(kit_elapsed_cores(e) < 0.2);
}
END_TEST

START_TEST(spinning_costs_cpu_time)
{
    int64_t thread_before = kit_thread_cpu_ns();
    int64_t process_before = kit_process_cpu_ns();

    int64_t start = kit_now_ns(), thread_used = 0;

    /* Spin until the thread's clock shows 50 ms of CPU: on a loaded
     * machine that takes longer than 50 ms of wall time, but it comes; a
     * thread clock that stood still would not get there in 10 s. */
    while (thread_used < 50 * 1000 * 1000 &&
           kit_now_ns() - start < 10LL * 1000 * 1000 * 1000) {
        spin_for_ns(1000 * 1000);
        thread_used = kit_thread_cpu_ns() - thread_before;
    }
    int64_t process_used = kit_process_cpu_ns() - process_before;
    ck_assert_msg(thread_used >= 50 * 1000 * 1000,
                  "10 s of spinning showed only %lld ns of thread CPU",
                  (long long)thread_used);
    /* The process clock adds up all threads, so it cannot be much less;
     * the kernel samples the two clocks a few microseconds apart. */
    ck_assert_int_ge(process_used, thread_used - 1000 * 1000);
}
END_TEST

START_TEST(unit_conversions)
{
    ck_assert_double_eq_tol(kit_ns_to_ms(1500000), 1.5, 1e-12);
    ck_assert_double_eq_tol(kit_ns_to_s(2500000000), 2.5, 1e-12);
    struct kit_elapsed e = {.wall_ns = 100, .cpu_ns = 400};
    ck_assert_double_eq_tol(kit_elapsed_cores(e), 4.0, 1e-12);
    e.wall_ns = 0;
    ck_assert_double_eq(kit_elapsed_cores(e), 0.0);
}
END_TEST

Suite *
time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("clocks");

    tcase_add_test(tc, wall_clock_is_monotonic_and_counts_sleep);
    tcase_add_test(tc, sleeping_costs_no_cpu_time);
    tcase_add_test(tc, spinning_costs_cpu_time);
    tcase_add_test(tc, unit_conversions);
    suite_add_tcase(s, tc);
    return s;
}
