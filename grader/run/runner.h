/* SPDX-License-Identifier: MIT */
/* The grader's runner: running one program under limits, and telling how
 * it ended. Every build, test and measurement of student code goes through
 * run_program(): its own process group and limits, output through a pipe
 * kept to a head and a tail, and every process of its tree found and
 * killed before run_program() returns. */
#ifndef GRADER_RUN_RUNNER_H
#define GRADER_RUN_RUNNER_H

#include "run/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox;

/* Why the hang hook finds a run stuck for good (hang/hang.h says how it
 * knows): its threads in a wait-for cycle, or every one of them asleep
 * with none having run for RUN_ASLEEP_SECONDS, or for RUN_STILL_SECONDS
 * when every one waits in a call without a timeout. */
enum run_stuck { RUN_NOT_STUCK, RUN_STUCK_CYCLE, RUN_STUCK_ASLEEP };
#define RUN_ASLEEP_SECONDS 5
#define RUN_STILL_SECONDS 2

/* What to do with a run that hangs, with its whole tree still alive; the
 * hang stage (hang/hang.h) gives both, and the runner knows nothing of
 * how. `stuck`, asked about once a second while the run goes on: whether
 * it can never end by itself, and then the run is stopped at once instead
 * of at its time limit. `diagnose`, on a timeout or once stuck: where it
 * hangs, in a malloc'ed text or NULL. Either may be NULL. */
struct run_hang_hook {
    enum run_stuck (*stuck)(void *ctx, const pid_t *pids, size_t npids);
    char *(*diagnose)(void *ctx, const pid_t *pids, size_t npids,
                      double seconds);
    void *ctx;
};

struct run_request {
    /* argv[0] is the program's path: without a '/', it is looked up in the
     * clean PATH; a relative one is taken from `cwd`, where the program
     * starts. */
    char *const *argv;
    const char *cwd; /* where it runs; NULL: the grader's own */
    /* Variables added to the clean environment the program gets (PATH,
     * HOME=cwd, LANG=C.UTF-8, TMPDIR=cwd and these, which win over those);
     * NULL-terminated, may be NULL. */
    char *const *env;
    struct run_limits limits;
    /* Hangs: asked while the run goes on, and called before the tree is
     * killed; the program then lets its tracer be the grader, for gdb. */
    struct run_hang_hook hang;
    /* Student code: the walls it runs in (its user, namespaces); NULL for
     * the kit's own programs. The one way the sandbox reaches a run. */
    const struct sandbox *sandbox;
    /* The work folder the run belongs to, put back into the /tmp of the
     * run's own where the sandbox gives it one; NULL: none. */
    const char *workdir;
    /* What a sandboxed run sees of the kit: by default nothing but
     * `kit_shown` (NULL-terminated paths, at most SANDBOX_MAX_SHOWN; may be
     * NULL), as code under test needs nothing else of it; all of it,
     * read-only, with `whole_kit` (a build, which reads its headers and
     * makefiles). */
    bool whole_kit;
    const char *const *kit_shown;
    /* A descriptor above 2 the program gets as is (same number), for a
     * channel it writes that only the grader reads; 0 for none. */
    int pass_fd;
    /* End the run as soon as a line of its output starts with
     * `stop.starts` and holds `stop.holds` (a sanitizer's summary, after
     * which a verdict cannot change); NULL starts: never. */
    struct {
        const char *starts, *holds;
    } stop;
};

enum run_end {
    RUN_EXITED,     /* exit_code is valid */
    RUN_SIGNALED,   /* signal is valid (a crash, or RLIMIT_CPU's SIGXCPU) */
    RUN_TIMED_OUT,  /* past wall_seconds: killed */
    RUN_DEADLOCKED, /* the hang hook found a wait-for cycle: killed */
    RUN_ASLEEP,     /* the hang hook found it asleep for good: killed */
    RUN_TOO_MANY_PROCESSES, /* past limits.processes: killed */
    RUN_OUT_OF_MEMORY,      /* the kernel killed a process of it for
                               tree_memory_mb: the rest was killed then */
    RUN_STOPPED,            /* it printed the request's stop line: killed */
    RUN_NOT_STARTED         /* fork or exec failed: see output */
};

struct run_result {
    enum run_end end;
    int exit_code;
    int signal;
    double wall_seconds;
    double cpu_seconds; /* user + system of the whole tree, as reaped */
    char *output;       /* stdout and stderr as they interleaved, capped;
                           always NUL-terminated */
    size_t output_len;
    size_t output_total;   /* bytes the program wrote in all */
    bool output_truncated; /* the middle was cut: "[... N bytes cut ...]" */
    /* The hang hook's text on RUN_TIMED_OUT, RUN_DEADLOCKED or RUN_ASLEEP;
     * NULL otherwise. */
    char *hang_report;
    /* Processes of the tree still alive after the main one ended (escaped
     * with setsid, or orphaned), found and killed. Counted only when the
     * main one ended by itself: after a timeout or a fork bomb the whole
     * tree is killed anyway. */
    int leftovers_killed;
    /* Processes of the tree that had ended but were never waited for when
     * the main one ended (zombies), reaped by the grader. */
    int zombies_reaped;
    /* The most processes of the tree seen alive at once; the tree is sampled
     * every 50 ms or so only when limits.processes is set, else 0. */
    long processes_peak;
    /* The run went past tree_memory_mb: the kernel killed a process of it
     * (a memory cgroup), or without one, the resident memory of its tree
     * summed past it (the run then ends as RUN_OUT_OF_MEMORY, unless it
     * ended first). */
    bool memory_limit_hit;
    pid_t pid;                /* of the main process; 0 if not started */
    struct run_limits limits; /* those of the request, for run_describe */
};

/* As root, raise the grader's priority over the programs it runs, which
 * keep the policy and niceness it was started with: a fork bomb capped by
 * RLIMIT_NPROC (no pids cgroup) is a thousand processes that all want a
 * CPU, and the grader must still look at /proc and kill them in seconds.
 * The lowest real-time priority (SCHED_RR) where the system allows it,
 * else ten steps of niceness. The grader itself mostly waits, so its
 * priority costs a measured run nothing. Call once at start, before any
 * thread; 0, or -1 where it may not. */
int run_raise_priority(void);

/* Make the grader a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so that
 * orphans of student code become its children and can be found and killed.
 * Call once at start; returns 0, or -1 where the kernel does not allow it. */
int run_become_subreaper(void);

/* Run one program to its end under the limits. Returns 0 when the result
 * is filled in (whatever the program did), -1 only when the grader itself
 * failed (out of memory, no pipe); both fill `result->output` with why, and
 * the result is always safe to pass to run_result_free(). When it returns,
 * no process of the run is left: the main one and every other found in its
 * tree, its process group, or a session or group one of them created are
 * killed and reaped. One run at a time per grader process: orphans are told
 * apart from other children of the grader by when they started. */
int run_program(const struct run_request *request, struct run_result *result);

/* A one-line description of how a run ended: "exited with status 1",
 * "killed by signal 11 (Segmentation fault)", "timed out after 10.0 s". */
void run_describe(const struct run_result *result, char *buf, size_t len);

/* One sentence for the reports: how each run's processes and memory are
 * capped on this host, found by making a cgroup of each kind and checking
 * that it is one (cgroup.h): the cgroups, or the limits that stand in for
 * them where the host has none (a chroot, some containers). */
void run_describe_caps(char *buf, size_t len);

/* Whether the run was stopped for hanging: past its time limit, or stuck
 * for good (RUN_TIMED_OUT, RUN_DEADLOCKED, RUN_ASLEEP). */
bool run_hung(const struct run_result *result);

void run_result_free(struct run_result *result);

#endif
