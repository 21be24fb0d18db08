/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, pool_map: its results against the serial
 * reference, uneven items balanced, the work done in the workers. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "cases.h"
#include "kit_sanitizer.h"
#include "processes.h"
#include "serial.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static const long pool_sizes[] = {1, 2, 5, 100, 1000};

/* poly, noting whether it runs in the test's own process: a pool's items
 * are computed in its worker processes, never by the caller, nor by
 * threads of it. */
static double
poly_in_a_worker(long x)
{
    log_where();
    return poly(x);
}
static const int pool_counts[] = {1, 2, 3, 4, 8};

START_TEST(pool_map_matches_serial)
{
    long nitems = pool_sizes[_i / COUNT(pool_counts)];
    int nworkers = pool_counts[_i % COUNT(pool_counts)];
    long *items = make_items(nitems);
    double *results = make_results(nitems);
    double *want = make_results(nitems);
    struct pool_error err = {.item = -2};
    char call[160];
    int rc;

    snprintf(call, sizeof(call),
             "pool_map(poly, items, nitems=%ld, results, nworkers=%d, &err)",
             nitems, nworkers);
    map_serial(poly, items, nitems, want);
    log_open();
    rc = pool_map(poly_in_a_worker, items, nitems, results, nworkers, &err);
    long in_caller = atomic_load(&work_log->in_caller);
    log_close();
    if (rc == 0 && in_caller > 0) {
        free(items);
        free(results);
        free(want);
        ck_abort_msg("%s computed %ld of the %ld items in the calling "
                     "process; expected every item computed in a worker "
                     "process: the pool's workers are processes, forked by "
                     "pool_map, not threads and not the caller",
                     call, in_caller, nitems);
    }
    if (rc != 0) {
        free(items);
        free(results);
        free(want);
        ck_abort_msg("%s returned %d with err.message \"%s\"; expected 0 "
                     "and results[i] = poly(items[i]) for every i",
                     call, rc, err.message);
    }
    for (long i = 0; i < nitems; i++) {
        /* The same function on the same input in another process gives the
         * same bits: no tolerance here. */
        if (results[i] == want[i])
            continue;
        double got = results[i], expected = want[i];
        long item = items[i];
        free(items);
        free(results);
        free(want);
        ck_abort_msg("%s: results[%ld] is %.17g%s; expected poly(items[%ld] "
                     "= %ld) = %.17g",
                     call, i, got, isnan(got) ? " (never written)" : "", i,
                     item, expected);
    }
    free(items);
    free(results);
    free(want);
}
END_TEST

START_TEST(pool_map_with_no_items)
{
    long items[1] = {5};
    double results[1] = {-7.0};
    struct pool_error err = {.item = -2};
    int rc = pool_map(poly, items, 0, results, 4, &err);

    ck_assert_msg(rc == 0,
                  "pool_map(poly, items, nitems=0, results, nworkers=4, "
                  "&err) returned %d (err.message \"%s\"); expected 0: "
                  "mapping no items is no error",
                  rc, err.message);
    ck_assert_msg(results[0] == -7.0,
                  "pool_map(poly, items, nitems=0, results, nworkers=4, "
                  "&err) wrote %.17g into results[0]; expected no write",
                  results[0]);
}
END_TEST

/* The slow item and the others of the balance test, in milliseconds. Under
 * a sanitizer every fork and item costs more, and the slow item leaves the
 * other worker longer for the quick ones. */
#define SLOW_MS KIT_LONG_RUN(600, 2000)
#define QUICK_MS 5
#define BALANCE_ITEMS 41

static double
uneven_work(long item)
{
    sleep_ms(item == 0 ? SLOW_MS : QUICK_MS);
    log_item(item);
    return (double)item;
}

START_TEST(pool_map_balances_uneven_items)
{
    long items[BALANCE_ITEMS];
    double results[BALANCE_ITEMS];
    struct pool_error err = {.item = -2};
    int rc, slow_pid, with_slow = 0, after_other = 0;
    long long other_last = 0;
    char call[160];

    snprintf(call, sizeof(call),
             "pool_map(f, items, nitems=41, results, nworkers=2, &err), "
             "where f(0) sleeps %d ms and every other item %d ms",
             SLOW_MS, QUICK_MS);

    for (long i = 0; i < BALANCE_ITEMS; i++) {
        items[i] = i;
        results[i] = NAN;
    }
    log_open();
    rc = pool_map(uneven_work, items, BALANCE_ITEMS, results, 2, &err);
    slow_pid = atomic_load(&work_log->pid[0]);
    for (long i = 0; i < BALANCE_ITEMS; i++) {
        int times = atomic_load(&work_log->computed[i]);
        long long done = atomic_load(&work_log->done_ns[i]);

        if (rc == 0 && times != 1) {
            log_close();
            ck_abort_msg("%s, computed item %ld %d times; expected once", call,
                         i, times);
        }
        if (i > 0 && atomic_load(&work_log->pid[i]) == slow_pid)
            with_slow++;
        else if (i > 0 && done > other_last)
            other_last = done;
    }
    /* The quick items the slow worker computed after the other worker had
     * computed its last: then the other sat idle while items were left. */
    for (long i = 1; i < BALANCE_ITEMS; i++)
        if (atomic_load(&work_log->pid[i]) == slow_pid &&
            atomic_load(&work_log->done_ns[i]) > other_last)
            after_other++;
    log_close();
    ck_assert_msg(rc == 0, "%s, returned %d (err.message \"%s\"); expected 0",
                  call, rc, err.message);
    for (long i = 0; i < BALANCE_ITEMS; i++)
        ck_assert_msg(results[i] == (double)i,
                      "%s: results[%ld] is %.17g; expected %ld", call, i,
                      results[i], i);
    /* Handed out one at a time, the quick items go to whichever worker is
     * free: the other worker takes them while the slow one sleeps, and
     * stops only when none is left, so that the slow worker finishes after
     * it at most the one or two sent ahead to it. A split made in advance
     * leaves the other worker idle after its 20 while the slow one works
     * through its own 19 after item 0. Counted by time, not by worker, so
     * that a machine too busy to run the other worker promptly (it then
     * takes fewer items, and the slow one more) is no failure. */
    ck_assert_msg(after_other <= 2,
                  "%s: the worker that computed the slow item 0 computed %d "
                  "quick items (of its %d) after the other worker had "
                  "computed its last; expected at most 2: while one worker is "
                  "busy with a slow item, the other must take the items that "
                  "are left. Hand out items one at a time, as workers become "
                  "free, not in shares fixed in advance",
                  call, after_other, with_slow);
}
END_TEST

static double
logged_work(long item)
{
    sleep_ms(2);
    log_item(item);
    return (double)item * 3.0;
}

START_TEST(pool_map_computes_in_workers)
{
    enum { NITEMS = 40, NWORKERS = 4 };
    long items[NITEMS];
    double results[NITEMS];
    int pids[NWORKERS + 1], distinct = 0, in_caller = 0, rc;
    struct pool_error err = {.item = -2};
    const char *call = "pool_map(f, items, nitems=40, results, nworkers=4, "
                       "&err), where f sleeps 2 ms and records its process";

    for (long i = 0; i < NITEMS; i++) {
        items[i] = i;
        results[i] = NAN;
    }
    log_open();
    rc = pool_map(logged_work, items, NITEMS, results, NWORKERS, &err);
    for (long i = 0; i < NITEMS; i++) {
        int pid = atomic_load(&work_log->pid[i]);
        bool seen = false;

        if (pid == (int)test_pid)
            in_caller++;
        for (int k = 0; k < distinct; k++)
            seen |= pids[k] == pid;
        if (!seen && pid != 0 && distinct <= NWORKERS)
            pids[distinct++] = pid;
    }
    log_close();
    ck_assert_msg(rc == 0, "%s, returned %d (err.message \"%s\"); expected 0",
                  call, rc, err.message);
    ck_assert_msg(in_caller == 0,
                  "%s, computed %d items in the calling process; expected "
                  "every item to be computed in a worker process",
                  call, in_caller);
    ck_assert_msg(distinct <= NWORKERS,
                  "%s, computed the items in more than %d processes; expected "
                  "the same %d workers to take item after item",
                  call, NWORKERS, NWORKERS);
    ck_assert_msg(distinct >= 2,
                  "%s, computed every item in one process; expected the "
                  "items to be spread over the workers",
                  call);
}
END_TEST

/* The descriptors open in the process that computes the item. */
static double
open_descriptors(long item)
{
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    (void)item;
    sleep_ms(2);
    if (dir == NULL)
        return -1;
    while (readdir(dir) != NULL)
        n++;
    closedir(dir);
    return n;
}

/* Every worker is forked from the same parent, with the same kind of
 * pipes: each must hold as many descriptors as the others. A worker that
 * keeps the pipe ends of the workers started before it holds more, and
 * holds their pipes open: a worker whose parent closed its pipe would not
 * see the end of it while a sibling keeps a copy. */
START_TEST(pool_workers_hold_only_their_own_pipes)
{
    enum { NITEMS = 40, NWORKERS = 4 };
    long items[NITEMS];
    double results[NITEMS], fewest, most;
    struct pool_error err = {.item = -2};
    int rc;

    for (long i = 0; i < NITEMS; i++)
        items[i] = i;
    rc = pool_map(open_descriptors, items, NITEMS, results, NWORKERS, &err);
    ck_assert_msg(rc == 0,
                  "pool_map(f, items, nitems=40, results, nworkers=4, &err), "
                  "where f counts its open descriptors, returned %d (%s)",
                  rc, err.message);
    fewest = most = results[0];
    for (long i = 1; i < NITEMS; i++) {
        fewest = results[i] < fewest ? results[i] : fewest;
        most = results[i] > most ? results[i] : most;
    }
    ck_assert_msg(fewest >= 0 && fewest == most,
                  "pool_map's 4 workers held from %.0f to %.0f open "
                  "descriptors: a worker keeps pipe ends of the workers "
                  "started before it. Close, in each child, every end it "
                  "does not use (the other workers' included)",
                  fewest, most);
}
END_TEST

TCase *
pool_tcase(void)
{
    TCase *tc = tcase_create("pool");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, pool_map_matches_serial, 0,
                        COUNT(pool_sizes) * COUNT(pool_counts));
    tcase_add_test(tc, pool_map_with_no_items);
    tcase_add_test(tc, pool_map_balances_uneven_items);
    tcase_add_test(tc, pool_map_computes_in_workers);
    tcase_add_test(tc, pool_workers_hold_only_their_own_pipes);
    return tc;
}
