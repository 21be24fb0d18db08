/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": what the public tests' files share: the helpers of
 * helpers.c, and the test case each file builds; check_processes.c puts
 * them in one suite. Results are compared with the kit's serial
 * references (kit/serial.c); a link-time wrapper (kit/wrap/fork_counter.c)
 * counts the processes created; memory shared with the children records
 * which process computed what; /proc shows the children left behind. No
 * test measures a speedup, so they pass on one core as well as on
 * sixty-four. */
#ifndef CASES_H
#define CASES_H

#include "kit_bench.h"

#include <check.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

/* Sums in another order differ in their last bits, as in lab 02, by at
 * most the reordering bound of the sum (kit_bench_sum_bound()), and a
 * correct sum by no more: a term skipped or counted twice moves it far
 * beyond. The tests' terms are all positive: their absolute values add up
 * to the sum itself. */
#define SUM_ALLOWED(n, want) kit_bench_sum_bound((n), (want), (want))
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* The test cases, one file each. */
TCase *fork_and_wait_tcase(void);
TCase *pipes_tcase(void);
TCase *shared_memory_tcase(void);
TCase *pool_tcase(void);
TCase *crash_tcase(void);
TCase *processes_created_tcase(void);
TCase *reaped_tcase(void);

/* The process running the test; a work function compares getpid() with it
 * to tell whether it runs in a child. */
extern pid_t test_pid;

/* Every test runs in a process of its own (Check's fork mode): the fixture
 * of every test case makes it a child subreaper, and turns core files off. */
void tests_setup(void);

void sleep_ms(long ms);
/* "exit status 3", "killed by signal 9 (Killed)", or what else it is. */
const char *status_text(int status, char *buf, size_t len);

/* The children a call leaves behind: zombies and processes still running,
 * among the test process's children. */
struct leftovers {
    int zombies, running;
    char zombie_pids[160], running_pids[160];
};
void find_leftovers(struct leftovers *out);
/* Fail, naming `call`, if it left a child behind. */
void assert_nothing_left(const char *call);

/* Functions the children compute. */
double square_root(long i);
double wave(long i);
double poly(long x);

/* run_children's bodies return this for child i (return_code_body() is
 * such a body); and the check of the statuses it collected. */
int exit_code_of(int index);
int return_code_body(int index, void *arg);
/* Child i: i % 3 == 0 returns i, 1 is killed by SIGKILL, 2 calls abort(). */
int mixed_body(int index, void *arg);
void assert_statuses(const char *call, const int *statuses, int nprocs);

/* The two sums, for tests that try both alike. */
struct summer {
    const char *name;
    int (*sum)(double (*f)(long), long n, int nprocs, double *sum);
};
extern const struct summer summers[2];
/* "returned -1" or "returned 0 and the sum 3.5": what one call of a sum
 * gave, for a message. */
const char *sum_outcome(int rc, double got, char *buf, size_t len);

/* Memory shared by the test and the workers it starts: what each call of a
 * work function did, seen by the test after the call. Mapped before the
 * call, so the workers, forked during it, inherit the mapping. */
#define LOG_ITEMS 1000
struct work_log {
    atomic_long finished;            /* calls of the work function done */
    atomic_long in_caller;           /* calls made in the test's process */
    atomic_int pid[LOG_ITEMS];       /* the process that computed item i */
    atomic_int computed[LOG_ITEMS];  /* how often item i was computed */
    atomic_llong done_ns[LOG_ITEMS]; /* when (kit_now_ns()) it was done */
};
extern struct work_log *work_log;
void log_open(void);
void log_close(void);
void log_item(long item);
/* Count the call if it runs in the test's own process (log_open() first). */
void log_where(void);
long *make_items(long nitems);
double *make_results(long nitems);

/* Where the crashing work functions crash: set by a test before the call,
 * read by the children in their copy. killed_at() raises SIGKILL there. */
extern long crash_at;
double killed_at(long i);

#endif
