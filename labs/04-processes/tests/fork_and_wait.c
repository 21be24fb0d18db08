/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": public tests, run_children: the exit status of every
 * child, by its index; children that a signal killed; children that have memory
 * of their own. */
#include "cases.h"
#include "processes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const int children_counts[] = {1, 2, 3, 4, 8, 16};

START_TEST(run_children_collects_exit_statuses)
{
    int nprocs = children_counts[_i];
    int statuses[16];
    char call[128];
    int rc;

    for (int i = 0; i < nprocs; i++)
        statuses[i] = -1;
    snprintf(call, sizeof(call),
             "run_children(nprocs=%d, body returning 37*i+5, NULL, statuses)",
             nprocs);
    rc = run_children(nprocs, return_code_body, NULL, statuses);
    ck_assert_msg(rc == 0, "%s returned %d; expected 0%s", call, rc,
                  rc == -1 ? " (-1 is what the starter returns: not written "
                             "yet?)"
                           : "");
    assert_statuses(call, statuses, nprocs);
}
END_TEST

/* Child i sleeps longer the smaller i is, so the children end in the
 * reverse order of their start. */
static int
reverse_order_body(int index, void *arg)
{
    int nprocs = *(const int *)arg;

    sleep_ms(40L * (nprocs - 1 - index));
    return exit_code_of(index);
}

START_TEST(run_children_statuses_by_index)
{
    int nprocs = 4, statuses[4] = {-1, -1, -1, -1};
    const char *call = "run_children(nprocs=4, body where child i sleeps "
                       "40*(3-i) ms and returns 37*i+5, ...)";
    int rc = run_children(nprocs, reverse_order_body, &nprocs, statuses);

    ck_assert_msg(rc == 0, "%s returned %d; expected 0", call, rc);
    /* A status stored by the order of the ends, not by index, fails. */
    assert_statuses(call, statuses, nprocs);
}
END_TEST

START_TEST(run_children_reports_signals)
{
    int statuses[6];
    const char *call = "run_children(nprocs=6, body where child i returns i "
                       "when i % 3 == 0, raises SIGKILL when i % 3 == 1, "
                       "calls abort() when i % 3 == 2, ...)";
    int rc;

    for (int i = 0; i < 6; i++)
        statuses[i] = -1;
    rc = run_children(6, mixed_body, NULL, statuses);
    ck_assert_msg(rc == 0,
                  "%s returned %d; expected 0: a child that is killed is "
                  "still a child that was started and waited for",
                  call, rc);
    for (int i = 0; i < 6; i++) {
        char got[96], want[96];
        int want_status = i % 3 == 0   ? (i << 8)
                          : i % 3 == 1 ? SIGKILL
                                       : SIGABRT;
        bool ok = i % 3 == 0
                      ? WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == i
                      : WIFSIGNALED(statuses[i]) &&
                            WTERMSIG(statuses[i]) == want_status;

        ck_assert_msg(ok, "%s: statuses[%d] is %s; expected %s", call, i,
                      status_text(statuses[i], got, sizeof(got)),
                      status_text(want_status, want, sizeof(want)));
    }
}
END_TEST

/* A global, which threads would share. Each child writes its own copy. */
static int isolation_value = 42;

static int
isolation_body(int index, void *arg)
{
    int *marks = arg;
    int saw = isolation_value;

    /* Both writes go to this child's private copy of the page: the first
     * write to a page after fork copies it (copy-on-write). */
    isolation_value = 1000 + index;
    marks[index] = 1;
    if (getpid() == test_pid)
        return 3;
    if (saw != 42)
        return 1;
    return isolation_value == 1000 + index ? 0 : 2;
}

START_TEST(children_have_their_own_memory)
{
    int nprocs = 4, statuses[4] = {-1, -1, -1, -1}, copied[4];
    int *marks = calloc(4, sizeof(*marks));
    const char *call = "run_children(nprocs=4, body, marks, statuses), where "
                       "child i sets the global isolation_value (42 in the "
                       "parent) to 1000 + i and marks[i] to 1";
    int rc;

    ck_assert_msg(marks != NULL, "out of memory");
    isolation_value = 42;
    rc = run_children(nprocs, isolation_body, marks, statuses);
    /* Copied and freed before any verdict: a failed assertion ends the
     * test's process, and LeakSanitizer would blame the test. */
    memcpy(copied, marks, sizeof(copied));
    free(marks);
    ck_assert_msg(rc == 0, "%s, returned %d; expected 0", call, rc);
    for (int i = 0; i < nprocs; i++) {
        char got[96];
        static const char *const why[] = {
            "", "it did not see the parent's value 42 at its start",
            "its own write did not stick",
            "it ran in the calling process, not in a child"};
        bool ok = WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == 0;
        int code = WIFEXITED(statuses[i]) ? WEXITSTATUS(statuses[i]) : 0;

        ck_assert_msg(ok,
                      "%s: child %d ended with %s; expected exit status "
                      "0%s%s",
                      call, i, status_text(statuses[i], got, sizeof(got)),
                      code >= 1 && code <= 3 ? ": " : "",
                      code >= 1 && code <= 3 ? why[code] : "");
    }
    for (int i = 0; i < nprocs; i++)
        ck_assert_msg(copied[i] == 0,
                      "%s: the parent's marks[%d] is %d after the call; "
                      "expected 0, unchanged: a child's writes go to its own "
                      "copy of memory, so the children must be processes, not "
                      "threads",
                      call, i, copied[i]);
    ck_assert_msg(isolation_value == 42,
                  "%s: the parent's isolation_value is %d after the call; "
                  "expected 42, unchanged: a child's writes go to its own "
                  "copy of memory, so the children must be processes, not "
                  "threads",
                  call, isolation_value);
}
END_TEST

TCase *
fork_and_wait_tcase(void)
{
    TCase *tc = tcase_create("fork and wait");

    tcase_add_checked_fixture(tc, tests_setup, NULL);
    tcase_add_loop_test(tc, run_children_collects_exit_statuses, 0,
                        COUNT(children_counts));
    tcase_add_test(tc, run_children_statuses_by_index);
    tcase_add_test(tc, run_children_reports_signals);
    tcase_add_test(tc, children_have_their_own_memory);
    return tc;
}
