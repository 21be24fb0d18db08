/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis: where the threads of a program that ran
 * out of time are blocked, and for whom they wait; a wait-for cycle among
 * them is reported as a suspected deadlock, with the student's own source
 * lines where gdb works. It sits above the runner: the runner calls it
 * through its hang hook (run/runner.h) and knows nothing of it, and it
 * runs gdb through the runner. */
#ifndef GRADER_HANG_HANG_H
#define GRADER_HANG_HANG_H

#include "run/runner.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What to diagnose. */
struct hang_request {
    const pid_t *pids; /* the live processes of the tree, its root first */
    size_t npids;
    double seconds; /* how long the program had run, for the report */
    /* Source files of the student, by base name: only their frames are
     * shown. May be NULL. */
    char *const *student_files;
    /* The gdb to run: NULL finds one (/usr/bin/gdb, else on PATH); ""
     * uses none, and the report says so. */
    const char *gdb;
};

/* The diagnosis as text, malloc'ed (NULL only when out of memory). Call it
 * while the tree is still alive: it reads /proc/PID/task/TID/{stat,wchan,
 * syscall} and the memory of each mutex waited on (the owner's TID is the
 * third int of a glibc pthread_mutex_t), then runs gdb in batch mode on each
 * process for the backtraces and the names of the locks. It starts with
 * "suspected deadlock: " when a wait-for cycle is found or every thread is
 * blocked waiting, else with "the program was still running after N s". */
char *hang_diagnose(const struct hang_request *request);

/* The cycle seen at the last look (see hang_stuck()). */
#define HANG_MAX_CYCLE 16
struct hang_cycle {
    size_t n;
    pid_t tids[HANG_MAX_CYCLE];
    unsigned long long futex[HANG_MAX_CYCLE];
    unsigned long long cpu; /* ticks of the cycle's threads */
};

/* The whole tree as last seen asleep: since when, and how much it had
 * run, so that a look that finds the same knows nothing ran between. */
struct hang_asleep {
    int64_t since_ns; /* 0: not asleep at the last look */
    size_t nthreads;
    unsigned long long tids;     /* their sum: the same threads */
    unsigned long long activity; /* CPU ticks and context switches */
};

/* What the looks remember between calls (start it zeroed). */
struct hang_watch {
    struct hang_cycle cycle;
    struct hang_asleep asleep;
};

/* Whether the tree is stuck for good, at time `now_ns` (kit_now_ns()):
 * - RUN_STUCK_CYCLE: a wait-for cycle among its threads (read from /proc
 *   and the lock owners, not guessed), the same cycle as at the last
 *   call, and none of its threads having used CPU since. A cycle of mutex
 *   waits and joins can never come undone by itself.
 * - RUN_STUCK_ASLEEP: every thread of the tree asleep, and none having run
 *   at all (not one context switch, not one tick of CPU) for
 *   RUN_ASLEEP_SECONDS, but for threads napping on a timer (a sanitizer's
 *   background thread), which may wake but must use no CPU; at least one
 *   thread blocked on something else. Nothing inside the tree can wake it, and
 * nothing outside will: the sandbox has no network and no other process writes
 *   to it. Only a timer could, and no test of the kit sleeps that long.
 *   When every thread is blocked in a call without a timeout (a mutex,
 *   a condition variable's untimed wait, a join, wait4, a read, pause),
 *   not even a timer of theirs can: RUN_STILL_SECONDS are enough. (An
 *   alarm() set before a pause() is the one waker this cannot see.)
 * - RUN_NOT_STUCK otherwise. */
enum run_stuck hang_stuck(const pid_t *pids, size_t npids,
                          struct hang_watch *watch, int64_t now_ns);

/* What the hooks need besides the tree: the student's files (for their
 * frames) and the gdb to use, as in struct hang_request, and what the
 * looks remember. Zero it all for every run. */
struct hang_options {
    char *const *student_files;
    const char *gdb;
    struct hang_watch watch;
};

/* hang_diagnose() and hang_stuck() as the runner's hang hook
 * (run/runner.h): `options` is a struct hang_options. */
char *hang_hook(void *options, const pid_t *pids, size_t npids, double seconds);
enum run_stuck hang_stuck_hook(void *options, const pid_t *pids, size_t npids);

#endif
