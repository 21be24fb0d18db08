/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, the number of processes each function
 * creates, counted by the fork wrapper (kit/wrap/fork_counter.c). */
#include "cases.h"
#include "fork_counter.h"
#include "kit_bench.h"
#include "processes.h"
#include "serial.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static const int create_counts[] = {1, 2, 4, 8};

/* Index / COUNT(create_counts): 0 run_children, 1 sum_pipes, 2 sum_shared,
 * 3 pool_map; the rest: the count. */
START_TEST(creates_the_processes_asked_for)
{
    int which = _i / COUNT(create_counts);
    int count = create_counts[_i % COUNT(create_counts)];
    long before = processes_created(), created;
    char call[160];
    bool right = false, parent_share = false;

    if (which == 0) {
        int statuses[8];
        int rc = run_children(count, return_code_body, NULL, statuses);
        snprintf(call, sizeof(call), "run_children(nprocs=%d, ...)", count);
        created = processes_created() - before;
        ck_assert_msg(rc == 0,
                      "%s returned %d; expected 0 (processes are counted only "
                      "once the call works)",
                      call, rc);
        assert_statuses(call, statuses, count);
    } else if (which <= 2) {
        const struct summer *s = &summers[which - 1];
        const long n = 100000;
        double got = NAN, want = sum_serial(square_root, n);
        int rc = s->sum(square_root, n, count, &got);
        char outcome[128];
        snprintf(call, sizeof(call), "%s(square_root, n=%ld, nprocs=%d, &sum)",
                 s->name, n, count);
        created = processes_created() - before;
        ck_assert_msg(
            rc == 0 && kit_bench_rel_error(got, want) <= SUM_ALLOWED(n, want),
            "%s %s; expected 0 and the sum %.17g (processes are "
            "counted only once the call works)",
            call, sum_outcome(rc, got, outcome, sizeof(outcome)), want);
        parent_share = true;
    } else {
        long *items = make_items(100);
        double *results = make_results(100);
        struct pool_error err = {.item = -2};
        int rc = pool_map(poly, items, 100, results, count, &err);
        snprintf(call, sizeof(call),
                 "pool_map(poly, items, nitems=100, results, nworkers=%d, "
                 "&err)",
                 count);
        created = processes_created() - before;
        free(items);
        free(results);
        ck_assert_msg(rc == 0,
                      "%s returned %d (err.message \"%s\"); expected 0 "
                      "(processes are counted only once the call works)",
                      call, rc, err.message);
    }
    right = created == count || (parent_share && created == count - 1);
    ck_assert_msg(right, "%s created %ld process%s; expected %d%s%s", call,
                  created, created == 1 ? "" : "es", count,
                  parent_share ? " (or one fewer if the parent sums a share "
                                 "itself)"
                               : "",
                  created > count ? ": is a child forking again, or going on "
                                    "with the parent's loop after its work?"
                                  : "");
}
END_TEST

TCase *
processes_created_tcase(void)
{
    TCase *tc = tcase_create("processes created");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, creates_the_processes_asked_for, 0,
                        4 * COUNT(create_counts));
    return tc;
}
