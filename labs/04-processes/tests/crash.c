/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, crashing children and workers: a child
 * killed by a signal, one that exits without a word, a pool worker that dies,
 * each reported promptly. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "cases.h"
#include "kit_bench.h"
#include "kit_time.h"
#include "processes.h"
#include "serial.h"

#include "failures.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static double
exits_at(long i)
{
    /* Ends the child with status 0 before it could report anything: only
     * the missing bytes tell. */
    if (i == crash_at)
        _exit(0);
    return square_root(i);
}

static double
fails_at(long i)
{
    /* Ends the child with a failure status, its partial sum unwritten: in
     * shared memory, only the status tells. */
    if (i == crash_at)
        _exit(3);
    return square_root(i);
}

/* A sum on a child that dies: first a call that works, so that a function
 * returning -1 whatever happens does not pass. */
static void
check_dead_child(const struct summer *s, double (*f)(long), const char *how)
{
    const long n = 1000;
    const int nprocs = 4;
    double want = sum_serial(square_root, n), got = NAN;
    int rc = s->sum(square_root, n, nprocs, &got);
    char outcome[128];

    ck_assert_msg(rc == 0 &&
                      kit_bench_rel_error(got, want) <= SUM_ALLOWED(n, want),
                  "%s(square_root, n=%ld, nprocs=%d, &sum) %s; expected 0 and "
                  "the sum %.17g (this call comes before the one with a child "
                  "that dies)",
                  s->name, n, nprocs,
                  sum_outcome(rc, got, outcome, sizeof(outcome)), want);
    crash_at = n / 2;
    got = -1.5;
    rc = s->sum(f, n, nprocs, &got);
    ck_assert_msg(rc == -1,
                  "%s(f, n=%ld, nprocs=%d, &sum), where f(%ld) %s, returned %d "
                  "(sum %.17g); expected -1: one partial sum never came",
                  s->name, n, nprocs, crash_at, how, rc, got);
    ck_assert_msg(got == -1.5,
                  "%s(f, n=%ld, nprocs=%d, &sum), where f(%ld) %s, returned -1 "
                  "but stored %.17g in sum; expected sum untouched on failure",
                  s->name, n, nprocs, crash_at, how, got);
}

START_TEST(sum_pipes_reports_a_killed_child)
{
    check_dead_child(&summers[0], killed_at, "raises SIGKILL");
}
END_TEST

START_TEST(sum_pipes_reports_a_silent_exit)
{
    check_dead_child(&summers[0], exits_at,
                     "calls _exit(0) before the child could send its sum");
}
END_TEST

START_TEST(sum_shared_reports_a_killed_child)
{
    check_dead_child(&summers[1], killed_at, "raises SIGKILL");
}
END_TEST

START_TEST(sum_shared_reports_a_failed_exit)
{
    check_dead_child(&summers[1], fails_at,
                     "calls _exit(3): a child that exits with a status other "
                     "than 0 has failed, whatever its slot holds");
}
END_TEST

/* The pool's work functions that fail on item crash_at, after sleeping
 * `item_ms` like every item. */
static long item_ms;

static double
pool_killed_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        raise(SIGKILL);
    log_item(item);
    return (double)item;
}

static double
pool_aborts_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        abort();
    log_item(item);
    return (double)item;
}

static double
pool_exits_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        _exit(3);
    log_item(item);
    return (double)item;
}

/* A call with no crash first, for the same reason as check_dead_child. */
static void
check_pool_works(int nworkers)
{
    long items[10];
    double results[10];
    struct pool_error err = {.item = -2};
    int rc;

    for (long i = 0; i < 10; i++)
        items[i] = i;
    rc = pool_map(poly, items, 10, results, nworkers, &err);
    ck_assert_msg(rc == 0,
                  "pool_map(poly, items, nitems=10, results, nworkers=%d, "
                  "&err) returned %d with err.message \"%s\"; expected 0 "
                  "(this call comes before the one with a worker that dies)",
                  nworkers, rc, err.message);
}

struct crash_case {
    const char *how; /* what f does on item crash_at */
    double (*f)(long);
    int nworkers;
    long nitems, crash_at, item_ms;
    int signal, exit_status; /* what err must say */
    bool prompt; /* check that the items after the crash are not computed */
};

/* The first case has items long enough (2 s in all) that a pool which goes
 * on after the crash shows, however slowly a dying process ends (under a
 * sanitizer, it may take tens of milliseconds). */
static const struct crash_case crash_cases[] = {
    {"raises SIGKILL", pool_killed_at, 3, 100, 7, 20, SIGKILL, -1, true},
    {"calls abort()", pool_aborts_at, 1, 10, 3, 1, SIGABRT, -1, false},
    {"calls abort()", pool_aborts_at, 4, 10, 0, 1, SIGABRT, -1, false},
    {"calls _exit(3)", pool_exits_at, 2, 20, 5, 10, 0, 3, false},
};

START_TEST(pool_map_reports_a_dead_worker)
{
    const struct crash_case *c = &crash_cases[_i];
    long *items;
    double *results;
    struct pool_error err = {.item = -2, .signal = -2, .exit_status = -2};
    char call[256];
    long finished;
    int rc;

    check_pool_works(c->nworkers);
    items = make_items(c->nitems);
    results = make_results(c->nitems);
    for (long i = 0; i < c->nitems; i++)
        items[i] = i;
    crash_at = c->crash_at;
    item_ms = c->item_ms;
    snprintf(call, sizeof(call),
             "pool_map(f, items, nitems=%ld, results, nworkers=%d, &err), "
             "where items[i] = i, each item takes %ld ms and f(%ld) %s",
             c->nitems, c->nworkers, c->item_ms, c->crash_at, c->how);
    log_open();
    rc = pool_map(c->f, items, c->nitems, results, c->nworkers, &err);
    finished = atomic_load(&work_log->finished);
    log_close();
    free(items);
    free(results);
    ck_assert_msg(rc == -1,
                  "%s, returned %d; expected -1, with err naming item %ld",
                  call, rc, c->crash_at);
    ck_assert_msg(err.item == c->crash_at,
                  "%s, returned -1 with err.item = %ld; expected %ld, the "
                  "item its worker was computing when it died (err.message: "
                  "\"%s\")",
                  call, err.item, c->crash_at, err.message);
    ck_assert_msg(err.signal == c->signal,
                  "%s, returned -1 with err.signal = %d; expected %d%s%s "
                  "(err.message: \"%s\")",
                  call, err.signal, c->signal, c->signal ? ", " : "",
                  c->signal ? strsignal(c->signal) : "", err.message);
    ck_assert_msg(err.exit_status == c->exit_status,
                  "%s, returned -1 with err.exit_status = %d; expected %d "
                  "(err.message: \"%s\")",
                  call, err.exit_status, c->exit_status, err.message);
    ck_assert_msg(err.message[0] != '\0',
                  "%s, returned -1 with an empty err.message; expected a line "
                  "naming the item and the signal or status",
                  call);
    /* After the death, no new item should be started: a few in flight at
     * that moment may still finish. */
    ck_assert_msg(!c->prompt || finished < c->nitems / 2,
                  "%s, went on to compute %ld of the %ld items after the "
                  "worker died; expected it to stop handing out items and "
                  "return at once",
                  call, finished, c->nitems);
}
END_TEST

/* f(1) dies after 100 ms while f(0) and f(2) sleep for 3 s. */
static double
dies_among_slow(long item)
{
    if (item == 1) {
        sleep_ms(100);
        raise(SIGKILL);
    }
    sleep_ms(3000);
    return (double)item;
}

START_TEST(pool_map_stops_busy_workers)
{
    long items[3] = {0, 1, 2};
    double results[3];
    struct pool_error err = {.item = -2};
    const char *call = "pool_map(f, items, nitems=3, results, nworkers=3, "
                       "&err), where f(1) raises SIGKILL after 100 ms and "
                       "f(0) and f(2) sleep for 3 s";
    int64_t start;
    double seconds;
    int rc;

    check_pool_works(3);
    start = kit_now_ns();
    rc = pool_map(dies_among_slow, items, 3, results, 3, &err);
    seconds = (double)(kit_now_ns() - start) / 1e9;
    ck_assert_msg(rc == -1 && err.item == 1 && err.signal == SIGKILL,
                  "%s, returned %d with err.item = %ld and err.signal = %d; "
                  "expected -1, item 1 and signal %d",
                  call, rc, err.item, err.signal, SIGKILL);
    ck_assert_msg(seconds < 2.0,
                  "%s, returned after %.2f s; expected well under 2 s: once a "
                  "worker died the results cannot all come, so stop the "
                  "other workers (kill them, then wait for them) instead of "
                  "waiting for their items",
                  call, seconds);
}
END_TEST

/* The descriptors this process has open. */
static int
open_descriptors(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    ck_assert_ptr_nonnull(dir);
    while (readdir(dir) != NULL)
        n++;
    closedir(dir);
    return n;
}

/* A call whose `n`-th call of one kind fails: it must say so, and leave
 * nothing behind, neither a descriptor of the pipes it made nor a child not
 * waited for (nor memory, which AddressSanitizer's run sees). */
static const char *const failing_names[] = {"fork", "pipe", "calloc", "mmap",
                                            "sigaction"};

static void
check_failure(const char *name, int (*call)(void), enum failing what, long n)
{
    int before, rc, after;

    /* First a call that works, so that a function returning -1 whatever
     * happens does not pass. */
    rc = call();
    ck_assert_msg(rc == 0, "%s with 4 processes returned %d; expected 0", name,
                  rc);
    before = open_descriptors();
    call_fails_after(what, n - 1);
    rc = call();
    call_fails_after(what, -1);
    after = open_descriptors();
    ck_assert_msg(rc == -1,
                  "%s with 4 processes, when %s number %ld fails, returned "
                  "%d; expected -1",
                  name, failing_names[what], n, rc);
    ck_assert_msg(after == before,
                  "%s with 4 processes, when %s number %ld fails: %d "
                  "descriptors open before the call and %d after it; close "
                  "every pipe end on the failure path too",
                  name, failing_names[what], n, before, after);
    errno = 0;
    ck_assert_msg(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
                  "%s with 4 processes, when %s number %ld fails, left a "
                  "child not waited for: wait for the children started before "
                  "the failure",
                  name, failing_names[what], n);
}

static int
pipes_of_four(void)
{
    double sum = NAN;
    return sum_pipes(square_root, 1000, 4, &sum);
}

static int
shared_of_four(void)
{
    double sum = NAN;
    return sum_shared(square_root, 1000, 4, &sum);
}

static int
pool_of_four(void)
{
    long items[20];
    double results[20];
    struct pool_error err = {.item = -2};

    for (long i = 0; i < 20; i++)
        items[i] = i;
    return pool_map(square_root, items, 20, results, 4, &err);
}

/* The third fork; a pipe of the second process (the pool makes two per
 * worker: the fourth is the second worker's second); each allocation, the
 * mapping and the change of SIGPIPE's action. */
static const struct failure {
    const char *name;
    int (*call)(void);
    enum failing what;
    long n;
} failures[] = {
    {"sum_pipes", pipes_of_four, FAILING_FORK, 3},
    {"sum_shared", shared_of_four, FAILING_FORK, 3},
    {"pool_map", pool_of_four, FAILING_FORK, 3},
    {"sum_pipes", pipes_of_four, FAILING_PIPE, 2},
    {"pool_map", pool_of_four, FAILING_PIPE, 4},
    {"sum_shared", shared_of_four, FAILING_MMAP, 1},
    {"pool_map", pool_of_four, FAILING_CALLOC, 1},
    {"pool_map", pool_of_four, FAILING_CALLOC, 2},
    {"pool_map", pool_of_four, FAILING_SIGACTION, 1},
};

START_TEST(a_failed_call_leaves_nothing)
{
    const struct failure *f = &failures[_i];

    check_failure(f->name, f->call, f->what, f->n);
}
END_TEST

TCase *
crash_tcase(void)
{
    TCase *tc = tcase_create("crash");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_test(tc, sum_pipes_reports_a_killed_child);
    tcase_add_test(tc, sum_pipes_reports_a_silent_exit);
    tcase_add_test(tc, sum_shared_reports_a_failed_exit);
    tcase_add_loop_test(tc, a_failed_call_leaves_nothing, 0, COUNT(failures));
    tcase_add_test(tc, sum_shared_reports_a_killed_child);
    tcase_add_loop_test(tc, pool_map_reports_a_dead_worker, 0,
                        COUNT(crash_cases));
    tcase_add_test(tc, pool_map_stops_busy_workers);
    return tc;
}
