/* SPDX-License-Identifier: MIT */
/* Unit tests of reading Check's TAP log and cutting sanitizer reports down
 * to the student's lines. */
#include "kinds/busywait.h"
#include "kinds/sanitizer.h"
#include "kinds/tap.h"
#include "suites.h"

#include <stdlib.h>
#include <string.h>

START_TEST(tap_lines_and_plan)
{
    struct tap_log log;
    const char *text =
        "ok 1 - /w/lab/tests/check_x.c:dot:dot_matches:0: Passed\n"
        "not ok 2 - /w/lab/tests/check_x.c:integrate:integrate_matches:3: "
        "integrate(n=7, nthreads=3) returned 0: expected 3.14 (a: b)\n"
        "# a comment\n"
        "1..2\n";

    ck_assert_int_eq(tap_parse(text, &log), 0);
    ck_assert_int_eq(log.planned, 2);
    ck_assert_int_eq((int)log.n, 2);
    ck_assert(log.lines[0].ok);
    ck_assert_str_eq(log.lines[0].tcase, "dot");
    ck_assert_str_eq(log.lines[0].test, "dot_matches");
    ck_assert(!log.lines[1].ok);
    ck_assert_str_eq(log.lines[1].tcase, "integrate");
    ck_assert_str_eq(log.lines[1].message,
                     "3: integrate(n=7, nthreads=3) returned 0: expected "
                     "3.14 (a: b)");
    tap_free(&log);
}
END_TEST

START_TEST(tap_without_plan_means_the_run_died)
{
    struct tap_log log;

    ck_assert_int_eq(tap_parse("ok 1 - f.c:t:x:0: Passed\n", &log), 0);
    ck_assert_int_eq(log.planned, -1);
    ck_assert_int_eq((int)log.n, 1);
    tap_free(&log);
    ck_assert_int_eq(tap_parse("", &log), 0);
    ck_assert_int_eq((int)log.n, 0);
    tap_free(&log);
}
END_TEST

/* Lines the code under test slipped into the log break Check's order. */
START_TEST(tap_forged_lines_found)
{
    static const char *const forged[] = {
        /* a passing line before the runner's own for the same test */
        "ok 1 - f.c:t:x: Passed\nnot ok 1 - f.c:t:x: wrong\n1..1\n",
        /* a whole passing log, then the runner's */
        "ok 1 - f.c:t:x: Passed\n1..1\nnot ok 1 - f.c:t:x: wrong\n1..1\n",
        /* a plan that does not count the lines */
        "ok 1 - f.c:t:x: Passed\n1..3\n",
        /* a line not in Check's form */
        "ok 1 - f.c:t:x: Passed\nok 2 all good\n1..2\n",
    };
    struct tap_log log;

    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        ck_assert_int_eq(tap_parse(forged[i], &log), 0);
        ck_assert_msg(log.broken != NULL, "not caught: %s", forged[i]);
        tap_free(&log);
    }
    ck_assert_int_eq(tap_parse("ok 1 - f.c:t:x: Passed\n"
                               "not ok 2 - f.c:t:y: wrong\n1..2\n",
                               &log),
                     0);
    ck_assert_ptr_null(log.broken);
    tap_free(&log);
}
END_TEST

static char *student[] = {"parallel.c", NULL};

START_TEST(tsan_report_cut_to_student_frames)
{
    const char *output =
        "Running suite(s): 02-threads\n"
        "==================\n"
        "WARNING: ThreadSanitizer: data race (pid=4242)\n"
        "  Write of size 8 at 0x7b0800000010 by thread T2:\n"
        "    #0 worker /tmp/kit-grade-02-threads-abc/02-threads/parallel.c:31 "
        "(check_parallel+0x3a1b)\n"
        "    #1 <null> <null> (libtsan.so.2+0x3fa)\n"
        "\n"
        "  Previous write of size 8 at 0x7b0800000010 by thread T1:\n"
        "    #0 worker /tmp/kit-grade-02-threads-abc/02-threads/parallel.c:31 "
        "(check_parallel+0x3a1b)\n"
        "\n"
        "  Thread T2 (tid=4245, running) created by main thread at:\n"
        "    #0 pthread_create ../../../../src/libsanitizer/tsan/"
        "tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)\n"
        "    #1 integrate /tmp/kit-grade-02-threads-abc/02-threads/"
        "parallel.c:52 (check_parallel+0x3b00)\n"
        "\n"
        "SUMMARY: ThreadSanitizer: data race /tmp/kit-grade-02-threads-abc/"
        "02-threads/parallel.c:31 in worker\n"
        "==================\n"
        "WARNING: ThreadSanitizer: data race (pid=4242)\n"
        "  a second report that must not appear\n";
    char *r = sanitizer_report(output, student, 1);

    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(r, "WARNING: ThreadSanitizer: data race"));
    ck_assert_ptr_nonnull(strstr(r, "#0 worker parallel.c:31"));
    ck_assert_ptr_nonnull(strstr(r, "#1 integrate parallel.c:52"));
    ck_assert_ptr_nonnull(
        strstr(r, "SUMMARY: ThreadSanitizer: data race parallel.c:31"));
    ck_assert_ptr_null(strstr(r, "/tmp/kit-grade"));
    ck_assert_ptr_null(strstr(r, "libtsan"));
    ck_assert_ptr_null(strstr(r, "second report"));
    free(r);
}
END_TEST

START_TEST(ubsan_and_asan_found)
{
    char *r = sanitizer_report(
        "ok\n/w/02-threads/parallel.c:12:9: runtime error: signed integer "
        "overflow: 2147483647 + 1 cannot be represented in type 'int'\n",
        student, 1);

    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(r, "parallel.c:12:9: runtime error"));
    free(r);
    r = sanitizer_report(
        "=================================================================\n"
        "==77==ERROR: AddressSanitizer: heap-buffer-overflow on address "
        "0x602000000018\n"
        "READ of size 8 at 0x602000000018 thread T1\n"
        "    #0 0x55d1 in dot_worker /w/02-threads/parallel.c:40\n"
        "    #1 0x7f00 in start_thread nptl/pthread_create.c:442\n"
        "SUMMARY: AddressSanitizer: heap-buffer-overflow "
        "/w/02-threads/parallel.c:40 in dot_worker\n",
        student, 1);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(strstr(r, "heap-buffer-overflow"));
    ck_assert_ptr_nonnull(strstr(r, "dot_worker parallel.c:40"));
    ck_assert_ptr_null(strstr(r, "start_thread"));
    free(r);
}
END_TEST

START_TEST(no_report_in_clean_output)
{
    ck_assert_ptr_null(sanitizer_report("100%: Checks: 5, Failures: 0, "
                                        "Errors: 0\n",
                                        student, 1));
}
END_TEST

START_TEST(busywait_record_read)
{
    static const char good[] =
        "busywait: phase=run_children wall_ns=50000000 cpu_ns=1000000\n"
        "busywait: phase=pool_map wall_ns=250000000 cpu_ns=3000000\n"
        "busywait: phases=2\n";
    static const char *const bad[] = {
        "",
        "busywait: phases=0\n",
        /* a phase twice */
        "busywait: phase=a wall_ns=5 cpu_ns=1\nbusywait: phase=a wall_ns=5 "
        "cpu_ns=1\nbusywait: phases=2\n",
        /* a count that does not match, or comes twice */
        "busywait: phase=a wall_ns=5 cpu_ns=1\nbusywait: phases=2\n",
        "busywait: phase=a wall_ns=5 cpu_ns=1\nbusywait: phases=1\n"
        "busywait: phases=1\n",
        /* no last line; a line cut short; a field missing */
        "busywait: phase=a wall_ns=5 cpu_ns=1\n",
        "busywait: phase=a wall_ns=5 cpu_ns=1\nbusywait: phases=1",
        "busywait: phase=a cpu_ns=1\nbusywait: phases=1\n",
        /* anything else */
        "noise\nbusywait: phase=a wall_ns=5 cpu_ns=1\nbusywait: phases=1\n",
    };
    struct busywait_record rec;
    char why[256];

    ck_assert_int_eq(busywait_parse(good, strlen(good), &rec, why, sizeof(why)),
                     0);
    ck_assert_int_eq(rec.n, 2);
    ck_assert_str_eq(rec.phases[0].name, "run_children");
    ck_assert_double_eq(rec.phases[0].wall_ns, 50000000);
    ck_assert_double_eq(rec.phases[1].cpu_ns, 3000000);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        ck_assert_msg(
            busywait_parse(bad[i], strlen(bad[i]), &rec, why, sizeof(why)) != 0,
            "accepted: %s", bad[i]);
        ck_assert_msg(why[0] != '\0', "refused without a reason: %s", bad[i]);
    }
}
END_TEST

Suite *
suite_suite(void)
{
    Suite *s = suite_create("suite");
    TCase *tc = tcase_create("TAP and sanitizers");

    tcase_add_test(tc, tap_lines_and_plan);
    tcase_add_test(tc, tap_without_plan_means_the_run_died);
    tcase_add_test(tc, tap_forged_lines_found);
    tcase_add_test(tc, tsan_report_cut_to_student_frames);
    tcase_add_test(tc, ubsan_and_asan_found);
    tcase_add_test(tc, no_report_in_clean_output);
    tcase_add_test(tc, busywait_record_read);
    suite_add_tcase(s, tc);
    return s;
}
