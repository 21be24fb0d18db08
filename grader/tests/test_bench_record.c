/* SPDX-License-Identifier: MIT */
/* Unit tests of the bench record and the seeds of timed runs: one
 * well-formed record of the run asked for, and nothing else, is read;
 * seeds come back the same from the same grading seed, and differ from
 * run to run. */
#include "base/seeds.h"
#include "kinds/bench_record.h"
#include "suites.h"

#include <string.h>

static const char good[] =
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=2 "
    "seed=77 wall_ns=180000000 cpu_ns=350000000 bound=0x1p-30 "
    "results=0x1.921fb54442d18p+1,0x1.8p+0\n";

START_TEST(a_good_record_is_read)
{
    struct bench_record r;
    char why[256] = "";

    ck_assert_int_eq(
        bench_record_parse(good, strlen(good), &r, why, sizeof(why)), 0);
    ck_assert_str_eq(r.kernel, "integrate");
    ck_assert_str_eq(r.variant, "parallel");
    ck_assert_int_eq(r.threads, 2);
    ck_assert_int_eq(r.n, 8000000);
    ck_assert_int_eq(r.reps, 2);
    ck_assert_uint_eq(r.seed, 77);
    ck_assert_int_eq(r.wall_ns, 180000000);
    ck_assert_int_eq(r.cpu_ns, 350000000);
    ck_assert_double_eq(r.bound, 0x1p-30);
    ck_assert_int_eq(r.nresults, 2);
    ck_assert_double_eq(r.results[0], 0x1.921fb54442d18p+1);
    ck_assert_double_eq(r.results[1], 1.5);
    ck_assert_int_eq(bench_record_check(&r, "integrate", "parallel", 2, 8000000,
                                        2, 77, why, sizeof(why)),
                     0);
}
END_TEST

/* Each is refused, with a reason. */
static const char *const bad[] = {
    "",
    "hello\n",
    /* two records */
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n"
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    /* no newline at the end: the harness was cut short */
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0",
    /* a field missing, one out of order, one more */
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    "bench: variant=parallel kernel=integrate threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0 extra=1\n",
    /* numbers that are not */
    "bench: kernel=integrate variant=parallel threads=two n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=0 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=-1 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=1 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0,\n",
    "bench: kernel=integrate variant=parallel threads=2 n=8000000 reps=99 "
    "seed=77 wall_ns=1 cpu_ns=1 bound=0x0p+0 results=0x1p+0\n",
};

START_TEST(anything_else_is_refused)
{
    struct bench_record r;
    char why[256] = "";
    const char *text = bad[_i];

    ck_assert_msg(
        bench_record_parse(text, strlen(text), &r, why, sizeof(why)) != 0,
        "accepted: %s", text);
    ck_assert_msg(why[0] != '\0', "refused without a reason: %s", text);
}
END_TEST

START_TEST(a_nul_byte_is_refused)
{
    struct bench_record r;
    char why[256] = "";
    char text[sizeof(good)];

    memcpy(text, good, sizeof(good));
    text[10] = '\0';
    ck_assert_int_ne(
        bench_record_parse(text, sizeof(good) - 1, &r, why, sizeof(why)), 0);
}
END_TEST

START_TEST(a_record_of_another_run_is_refused)
{
    struct bench_record r;
    char why[256];

    ck_assert_int_eq(
        bench_record_parse(good, strlen(good), &r, why, sizeof(why)), 0);
    ck_assert_int_ne(bench_record_check(&r, "dot", "parallel", 2, 8000000, 2,
                                        77, why, sizeof(why)),
                     0);
    ck_assert_int_ne(bench_record_check(&r, "integrate", "serial", 2, 8000000,
                                        2, 77, why, sizeof(why)),
                     0);
    ck_assert_int_ne(bench_record_check(&r, "integrate", "parallel", 4, 8000000,
                                        2, 77, why, sizeof(why)),
                     0);
    ck_assert_int_ne(bench_record_check(&r, "integrate", "parallel", 2, 8000000,
                                        3, 77, why, sizeof(why)),
                     0);
    ck_assert_int_ne(bench_record_check(&r, "integrate", "parallel", 2, 8000000,
                                        2, 78, why, sizeof(why)),
                     0);
    ck_assert_ptr_nonnull(strstr(why, "seed"));
}
END_TEST

START_TEST(seeds_replay_and_differ)
{
    uint64_t a = seeds_derive(12345, 0), b = seeds_derive(12345, 1);

    ck_assert_uint_eq(a, seeds_derive(12345, 0));
    ck_assert_uint_ne(a, b);
    ck_assert_uint_ne(a, seeds_derive(12346, 0));
    /* Under 2^48, with room for a run's repetitions after it. */
    ck_assert_uint_lt(a, UINT64_C(1) << 48);
    ck_assert_uint_lt(seeds_fresh(), UINT64_C(1) << 48);
    /* Consecutive runs' seeds are not consecutive numbers. */
    ck_assert_uint_gt(a > b ? a - b : b - a, 1000);
}
END_TEST

Suite *
bench_record_suite(void)
{
    Suite *s = suite_create("bench record");
    TCase *tc = tcase_create("record");

    tcase_add_test(tc, a_good_record_is_read);
    tcase_add_loop_test(tc, anything_else_is_refused, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, a_nul_byte_is_refused);
    tcase_add_test(tc, a_record_of_another_run_is_refused);
    tcase_add_test(tc, seeds_replay_and_differ);
    suite_add_tcase(s, tc);
    return s;
}
