/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis: where the threads of a program that ran
 * out of time are blocked, and for whom they wait; a wait-for cycle among
 * them is reported as a suspected deadlock, with the student's own source
 * lines where gdb works. It sits above the runner: the runner calls it
 * through its hang hook (run/runner.h) and knows nothing of it, and it
 * runs gdb through the runner. */
#ifndef GRADER_HANG_HANG_H
#define GRADER_HANG_HANG_H

#include <stdbool.h>
#include <stddef.h>
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

/* Whether the tree is stuck for good: a wait-for cycle among its threads
 * (read from /proc and the lock owners, not guessed), the same cycle as at
 * the last call, and none of its threads having used CPU since. A cycle of
 * mutex waits and joins can never come undone by itself. `last` remembers
 * the cycle between calls (start it zeroed). */
#define HANG_MAX_CYCLE 16
struct hang_cycle {
    size_t n;
    pid_t tids[HANG_MAX_CYCLE];
    unsigned long long futex[HANG_MAX_CYCLE];
    unsigned long long cpu; /* ticks of the cycle's threads */
};
bool hang_deadlocked(const pid_t *pids, size_t npids, struct hang_cycle *last);

/* What the hooks need besides the tree: the student's files (for their
 * frames) and the gdb to use, as in struct hang_request, and the cycle
 * last seen. Zero it all for every run. */
struct hang_options {
    char *const *student_files;
    const char *gdb;
    struct hang_cycle last;
};

/* hang_diagnose() and hang_deadlocked() as the runner's hang hook
 * (run/runner.h): `options` is a struct hang_options. */
char *hang_hook(void *options, const pid_t *pids, size_t npids, double seconds);
bool hang_stuck_hook(void *options, const pid_t *pids, size_t npids);

#endif
