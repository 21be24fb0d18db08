/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, every child reaped: no function leaves a
 * zombie or a process running, crashes included. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "cases.h"
#include "fork_counter.h"
#include "processes.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static double
pool_dies_early(long item)
{
    if (item == 2)
        raise(SIGKILL);
    sleep_ms(50);
    return (double)item;
}

/* Each API once, then nothing may be left: 0 run_children with children
 * that crash, 1 sum_pipes, 2 sum_shared, 3 pool_map, 4 pool_map with a
 * worker killed while others work, 5 sum_pipes and 6 sum_shared with a
 * child killed. */
START_TEST(every_child_reaped)
{
    long before = processes_created();
    char call[200];
    int rc = 0, want_rc = 0;

    switch (_i) {
    case 0: {
        int statuses[6];
        snprintf(call, sizeof(call),
                 "run_children(nprocs=6, body where some children are killed, "
                 "...)");
        rc = run_children(6, mixed_body, NULL, statuses);
        break;
    }
    case 1:
    case 2:
    case 5:
    case 6: {
        const struct summer *s = &summers[_i == 1 || _i == 5 ? 0 : 1];
        double got;
        crash_at = 500;
        want_rc = _i >= 5 ? -1 : 0;
        snprintf(call, sizeof(call), "%s(%s, n=1000, nprocs=4, &sum)", s->name,
                 _i >= 5 ? "f that raises SIGKILL on term 500" : "square_root");
        rc = s->sum(_i >= 5 ? killed_at : square_root, 1000, 4, &got);
        break;
    }
    default: {
        long *items = make_items(50);
        double *results = make_results(50);
        struct pool_error err;
        want_rc = _i == 4 ? -1 : 0;
        snprintf(call, sizeof(call),
                 "pool_map(%s, items, nitems=50, results, nworkers=4, &err)",
                 _i == 4 ? "f that raises SIGKILL on item 2 and sleeps 50 ms "
                           "on the others"
                         : "poly");
        for (long i = 0; i < 50; i++)
            items[i] = i;
        rc = pool_map(_i == 4 ? pool_dies_early : poly, items, 50, results, 4,
                      &err);
        free(items);
        free(results);
        break;
    }
    }
    ck_assert_msg(rc == want_rc, "%s returned %d; expected %d", call, rc,
                  want_rc);
    ck_assert_msg(processes_created() - before > 0,
                  "%s returned %d without starting a single process; "
                  "expected it to do its work in child processes",
                  call, rc);
    assert_nothing_left(call);
}
END_TEST

TCase *
reaped_tcase(void)
{
    TCase *tc = tcase_create("reaped");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, every_child_reaped, 0, 7);
    return tc;
}
