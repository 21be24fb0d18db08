/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, sum_pipes and sum_shared: every sum against
 * the serial reference, for many inputs and process counts. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "cases.h"
#include "kit_bench.h"
#include "kit_sanitizer.h"
#include "serial.h"

#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct sum_input {
    const char *name; /* of f, as the messages print it */
    double (*f)(long);
    long n;
};

static const struct sum_input sum_inputs[] = {
    {"square_root", square_root, 1},
    {"square_root", square_root, 2},
    {"square_root", square_root, 7},
    {"square_root", square_root, 1000},
    {"square_root", square_root, KIT_LONG_RUN(100003, 10007)},
    {"wave", wave, 5},
    {"wave", wave, KIT_LONG_RUN(1000000, 100003)},
};

/* Every input is tried with each of these; with n = 1, 2, 5 or 7 some are
 * more processes than terms. */
static const int sum_counts[] = {1, 2, 3, 4, 7, 8, 16};
/* Under a sanitizer, whose runtime makes every fork cost milliseconds, the
 * first four: a bad access shows with a few children. */
#define NCOUNTS KIT_LONG_RUN(COUNT(sum_counts), 4)

/* Call one sum on one input with every count of sum_counts[], and fail
 * with the counts that went wrong and the first failure in full. */
static void
check_sum(const struct summer *s, const struct sum_input *in)
{
    double want = sum_serial(in->f, in->n);
    char failed[128] = "", first[512] = "";
    int nfailed = 0;

    for (int c = 0; c < NCOUNTS; c++) {
        int nprocs = sum_counts[c];
        double got = NAN;
        int rc = s->sum(in->f, in->n, nprocs, &got);
        size_t used = strlen(failed);

        if (rc == 0 &&
            kit_bench_rel_error(got, want) <= SUM_ALLOWED(in->n, want))
            continue;
        snprintf(failed + used, sizeof(failed) - used, "%s%d",
                 used > 0 ? ", " : "", nprocs);
        if (nfailed++ > 0)
            continue;
        if (rc != 0)
            snprintf(first, sizeof(first),
                     "With nprocs=%d it returned %d%s; expected 0 and the sum "
                     "%.17g that sum_serial gives",
                     nprocs, rc,
                     rc == -1 && c == 0 ? " (-1 is what the starter returns: "
                                          "not written yet?)"
                                        : ": a call failed, or a child did "
                                          "not deliver its partial sum",
                     want);
        else
            snprintf(first, sizeof(first),
                     "With nprocs=%d it returned the sum %.17g; sum_serial "
                     "gives %.17g (relative error %.3g; summing in another "
                     "order moves it by at most %.3g)%s",
                     nprocs, got, want, kit_bench_rel_error(got, want),
                     SUM_ALLOWED(in->n, want),
                     isnan(got) ? ": the sum was never stored" : "");
    }
    ck_assert_msg(nfailed == 0,
                  "%s(%s, n=%ld, nprocs, &sum) is wrong for nprocs = %s (of "
                  "1, 2, 3, 4, 7, 8, 16). %s",
                  s->name, in->name, in->n, failed, first);
}

START_TEST(sum_pipes_matches_serial)
{
    check_sum(&summers[0], &sum_inputs[_i]);
}
END_TEST

START_TEST(sum_shared_matches_serial)
{
    check_sum(&summers[1], &sum_inputs[_i]);
}
END_TEST

/* Many processes at once, each with a tiny share. */
static void
check_many(const struct summer *s)
{
    const long n = 1000;
    const int nprocs = 64;
    double want = sum_serial(square_root, n), got = NAN;
    int rc = s->sum(square_root, n, nprocs, &got);
    char outcome[128];

    ck_assert_msg(rc == 0 &&
                      kit_bench_rel_error(got, want) <= SUM_ALLOWED(n, want),
                  "%s(square_root, n=%ld, nprocs=%d, &sum) %s; expected 0 and "
                  "the sum %.17g, as sum_serial gives",
                  s->name, n, nprocs,
                  sum_outcome(rc, got, outcome, sizeof(outcome)), want);
}

START_TEST(sum_pipes_many_processes)
{
    check_many(&summers[0]);
}
END_TEST

START_TEST(sum_shared_many_processes)
{
    check_many(&summers[1]);
}
END_TEST

/* Where the children meet: in memory shared by every process the test
 * forks. Each child's first term waits there, up to 1 s, until every child
 * has come; children run one after another never all meet. */
struct meeting {
    atomic_int arrived, met;
};
static struct meeting *meeting;
static int meeting_want;
static pid_t meeting_pid; /* the process whose first term has been seen */

static double
meet_then_one(long i)
{
    (void)i;
    if (meeting_pid != getpid()) {
        struct timespec start, now;

        meeting_pid = getpid();
        atomic_fetch_add(&meeting->arrived, 1);
        clock_gettime(CLOCK_MONOTONIC, &start);
        do {
            if (atomic_load(&meeting->arrived) >= meeting_want) {
                atomic_store(&meeting->met, 1);
                break;
            }
            sleep_ms(1);
            clock_gettime(CLOCK_MONOTONIC, &now);
        } while ((now.tv_sec - start.tv_sec) * 1000 +
                     (now.tv_nsec - start.tv_nsec) / 1000000 <
                 1000);
        /* Gone: not counted as there any more. */
        if (!atomic_load(&meeting->met))
            atomic_fetch_sub(&meeting->arrived, 1);
    }
    return 1.0;
}

static void
check_at_once(const struct summer *s)
{
    const int nprocs = 4;
    const long n = 400;
    double got = NAN;
    int rc;

    meeting = mmap(NULL, sizeof(*meeting), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(meeting, MAP_FAILED);
    atomic_init(&meeting->arrived, 0);
    atomic_init(&meeting->met, 0);
    meeting_want = nprocs;
    meeting_pid = getpid();
    rc = s->sum(meet_then_one, n, nprocs, &got);
    ck_assert_msg(rc == 0 && got == (double)n,
                  "%s(f, n=%ld, nprocs=%d, &sum), where f is 1 for every "
                  "term, returned %d and the sum %g; expected 0 and %ld",
                  s->name, n, nprocs, rc, got, n);
    ck_assert_msg(atomic_load(&meeting->met),
                  "%s(f, n=%ld, nprocs=%d, &sum): its %d children never ran "
                  "at the same time (each child's first term waited 1 s for "
                  "the others, who never came): does the parent wait for "
                  "each child before it forks the next?",
                  s->name, n, nprocs, nprocs);
    munmap(meeting, sizeof(*meeting));
}

START_TEST(sum_pipes_children_run_at_once)
{
    check_at_once(&summers[0]);
}
END_TEST

START_TEST(sum_shared_children_run_at_once)
{
    check_at_once(&summers[1]);
}
END_TEST

TCase *
pipes_tcase(void)
{
    TCase *tc = tcase_create("pipes");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, sum_pipes_matches_serial, 0, COUNT(sum_inputs));
    tcase_add_test(tc, sum_pipes_many_processes);
    tcase_add_test(tc, sum_pipes_children_run_at_once);
    return tc;
}

TCase *
shared_memory_tcase(void)
{
    TCase *tc = tcase_create("shared memory");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, sum_shared_matches_serial, 0, COUNT(sum_inputs));
    tcase_add_test(tc, sum_shared_many_processes);
    tcase_add_test(tc, sum_shared_children_run_at_once);
    return tc;
}
