/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis: the model it builds of a tree that ran out
 * of time, from /proc: each thread's state, the system call it sleeps in,
 * the futex it waits on and, for a mutex or a join, whom it waits for
 * (the edges of the wait-for graph). gdb.c adds frames and lock names,
 * explain.c says it in words. */
#ifndef GRADER_HANG_THREADS_H
#define GRADER_HANG_THREADS_H

#include "run/procstat.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How long CPU time is sampled: a thread that used CPU meanwhile is busy,
 * whatever state it was caught in. */
#define SAMPLE_NS (100 * 1000 * 1000L)
#define MAX_PROCESSES 16 /* reported; the others are counted */
#define MAX_THREADS 32   /* per process, reported */
#define MAX_FRAMES 64    /* per thread, read from gdb */

enum wait_kind {
    WAIT_UNKNOWN,
    WAIT_RUNNING, /* state R */
    WAIT_LOCK,    /* a mutex: owner known */
    WAIT_JOIN,    /* pthread_join: the thread it waits for is known */
    WAIT_FUTEX,   /* another futex: condition variable, barrier, semaphore */
    WAIT_CHILD,   /* wait4/waitid */
    WAIT_IO,      /* read, write, poll... */
    WAIT_SLEEP,   /* nanosleep, pause... */
    WAIT_OTHER,   /* another system call */
    WAIT_STOPPED, /* stopped or traced */
    WAIT_GONE     /* ended during the diagnosis */
};

struct frame {
    char func[128];
    char file[128]; /* base name; "" when gdb gave none */
    int line;
};

struct hproc;

struct hthread {
    struct hproc *proc;
    pid_t tid;
    int num; /* 1-based, in TID order: thread 1 is the main one */
    char state;
    unsigned long long cpu0, cpu1; /* ticks, before and after the sample */
    bool cpu0_ok, cpu1_ok;
    char wchan[64];
    long nr; /* system call; -1 none, -2 unknown, -3 running */
    unsigned long long arg[6]; /* the call's arguments, as /proc shows them */
    enum wait_kind kind;
    unsigned long long futex; /* address waited on */
    pid_t owner_tid;          /* holder of the lock, or thread joined */
    struct hthread *owner;    /* the same, when it is a thread of the tree */
    char lock_name[128];      /* from gdb's `info symbol`; "" unknown */
    struct frame *frames;
    size_t nframes;
    bool in_gdb;
    int mark; /* cycle search */
    bool in_cycle;
};

struct hproc {
    pid_t pid;
    char comm[32];
    struct hthread *threads;
    size_t nthreads;
    bool skip; /* only waits for its children: not part of the story */
    int memfd;
    bool gdb_ran, gdb_ok;
    bool gdb_timed_out; /* its gdb ran out of time: the machine is too busy */
    char gdb_error[200];
};

struct diag {
    struct hproc *procs;
    size_t nprocs;
    size_t more_procs; /* beyond MAX_PROCESSES */
    long clk_tck;
    char gdb_path[4096];
    char gdb_missing[200]; /* why gdb was not run; "" when it was */
    pid_t gdb_gave_up;     /* gdb timed out on it: no more were tried */
    char *const *student_files;
};

/* Read the threads of p (in TID order, numbered from 1) and a first
 * sample of their CPU time; -1 if the process has ended. */
int threads_list(struct hproc *p);

/* After the sample: state, wait channel, system call and what it waits
 * for of each thread. */
void threads_inspect(struct hthread *t);

/* How many times the thread has been switched to or from (voluntary and
 * not, from /proc/PID/task/TID/status): a count that did not change means
 * the thread did not run at all meanwhile, however briefly it would have.
 * THREADS_NO_SWITCHES when unreadable. */
#define THREADS_NO_SWITCHES (~0ULL)
unsigned long long threads_switches(const struct hthread *t);

/* Whether the thread is blocked in a call that has no timeout of its own
 * (a futex wait without one, wait4, a read, pause, a poll for ever): only
 * another thread or process, or a signal, can end it. false when unsure. */
bool threads_untimed(const struct hthread *t);

/* Turn owner TIDs into edges of the wait-for graph. */
void threads_link(struct diag *d);

/* The threads of the first wait-for cycle among d's threads (each waits
 * for a lock the next holds, or for the next to end; a thread that holds
 * the lock it waits for is a cycle of one), up to `max` of them into
 * `cycle`, in the order of the cycle. Returns how many: 0 when there is no
 * cycle. */
size_t threads_find_cycle(const struct diag *d, const struct hthread **cycle,
                          size_t max);

/* The name of system call `nr` as a blocked thread shows it; NULL when it
 * is not one the diagnosis knows. */
const char *threads_syscall_name(long nr);

/* The first line of a small file, without its newline; "" when
 * unreadable. */
void threads_read_line(const char *path, char *buf, size_t len);

#endif
