/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis (see hang.h): /proc first, a CPU sample,
 * the wait-for graph, gdb, then the words. */
#include "hang/hang.h"
#include "base/text.h"
#include "hang/explain.h"
#include "hang/gdb.h"
#include "hang/threads.h"
#include "kit_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Read the processes of `pids` and their threads (with a first sample of
 * their CPU time) into d. Returns -1 when out of memory. */
static int
read_tree(struct diag *d, const pid_t *pids, size_t npids,
          char *const *student_files)
{
    memset(d, 0, sizeof(*d));
    d->student_files = student_files;
    d->clk_tck = sysconf(_SC_CLK_TCK);
    d->procs = calloc(npids > 0 ? npids : 1, sizeof(*d->procs));
    if (d->procs == NULL)
        return -1;
    for (size_t i = 0; i < npids; i++) {
        struct hproc *p = &d->procs[d->nprocs];
        char path[64];

        if (d->nprocs == MAX_PROCESSES) {
            d->more_procs = npids - i;
            break;
        }
        p->pid = pids[i];
        p->memfd = -1;
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
        threads_read_line(path, p->comm, sizeof(p->comm));
        if (threads_list(p) != 0) {
            free(p->threads);
            memset(p, 0, sizeof(*p));
            continue; /* it ended meanwhile */
        }
        d->nprocs++;
    }
    return 0;
}

/* What each thread waits for, and the edges of the wait-for graph. */
static void
inspect_tree(struct diag *d)
{
    for (size_t i = 0; i < d->nprocs; i++)
        for (size_t j = 0; j < d->procs[i].nthreads; j++)
            threads_inspect(&d->procs[i].threads[j]);
    threads_link(d);
}

static void
free_tree(struct diag *d)
{
    for (size_t i = 0; i < d->nprocs; i++) {
        for (size_t j = 0; j < d->procs[i].nthreads; j++)
            free(d->procs[i].threads[j].frames);
        free(d->procs[i].threads);
        if (d->procs[i].memfd >= 0 && close(d->procs[i].memfd) != 0) {
            /* Read-only: a failed close loses nothing. */
        }
    }
    free(d->procs);
    d->procs = NULL;
}

char *
hang_diagnose(const struct hang_request *req)
{
    struct diag d;
    struct text b = TEXT_INIT;
    struct timespec sample = {.tv_sec = 0, .tv_nsec = SAMPLE_NS};
    size_t gdb_runs = 0, shown = 0;

    if (read_tree(&d, req->pids, req->npids, req->student_files) != 0)
        return NULL;
    /* EINTR: a signal came; sleep the rest of the sample. */
    while (nanosleep(&sample, &sample) != 0 && errno == EINTR)
        continue;
    inspect_tree(&d);

    /* A process all of whose threads wait for children (a test runner's
     * parent, a shell) only waits for the rest of the story. */
    for (size_t i = 0; i < d.nprocs; i++) {
        struct hproc *p = &d.procs[i];
        bool waits = p->nthreads > 0;

        for (size_t j = 0; j < p->nthreads; j++)
            waits = waits && (p->threads[j].kind == WAIT_CHILD ||
                              p->threads[j].kind == WAIT_GONE);
        p->skip = waits;
        shown += !waits;
    }
    if (shown == 0)
        for (size_t i = 0; i < d.nprocs; i++)
            d.procs[i].skip = false;

    /* gdb stops the threads it attaches to: /proc was read first. */
    gdb_find(&d, req->gdb);
    for (size_t i = 0; i < d.nprocs && d.gdb_path[0] != '\0'; i++) {
        if (d.procs[i].skip || d.procs[i].nthreads == 0)
            continue;
        if (gdb_runs++ == MAX_GDB_PROCESSES)
            break;
        gdb_backtraces(&d, &d.procs[i]);
        /* A gdb that ran out of time says the machine is too busy (a
         * thousand processes that want a CPU): the next would too, each
         * costing GDB_SECONDS more before the report. */
        if (d.procs[i].gdb_timed_out && !d.procs[i].gdb_ok) {
            d.gdb_gave_up = d.procs[i].pid;
            break;
        }
    }

    explain_hang(&b, &d, req->seconds);
    free_tree(&d);
    if (b.failed) {
        text_free(&b);
        return NULL;
    }
    return text_steal(&b);
}

char *
hang_hook(void *options, const pid_t *pids, size_t npids, double seconds)
{
    const struct hang_options *o = options;
    struct hang_request req = {
        .pids = pids,
        .npids = npids,
        .seconds = seconds,
        .student_files = o != NULL ? o->student_files : NULL,
        .gdb = o != NULL ? o->gdb : NULL,
    };

    return hang_diagnose(&req);
}

/* Whether the wait-for cycle of `d` is the one at the last look, not
 * moved; remembers this one. */
static bool
same_cycle(const struct diag *d, struct hang_cycle *last)
{
    const struct hthread *cycle[HANG_MAX_CYCLE];
    struct hang_cycle now;
    bool same;

    memset(&now, 0, sizeof(now));
    now.n = threads_find_cycle(d, cycle, HANG_MAX_CYCLE);
    for (size_t i = 0; i < now.n; i++) {
        now.tids[i] = cycle[i]->tid;
        now.futex[i] = cycle[i]->futex;
        now.cpu += cycle[i]->cpu1;
    }
    /* The same threads waiting on the same locks, and no CPU used: the
     * cycle did not move between the two looks. */
    same = now.n > 0 && now.n == last->n && now.cpu == last->cpu &&
           memcmp(now.tids, last->tids, sizeof(now.tids)) == 0 &&
           memcmp(now.futex, last->futex, sizeof(now.futex)) == 0;
    *last = now;
    return same;
}

/* Whether the thread sleeps on a timer (nanosleep, clock_nanosleep), to
 * wake by itself: not pause() or sigsuspend(), which wait for a signal. */
static bool
naps(const struct hthread *t)
{
    if (t->kind != WAIT_SLEEP)
        return false;
#ifdef SYS_nanosleep
    if (t->nr == SYS_nanosleep)
        return true;
#endif
#ifdef SYS_clock_nanosleep
    if (t->nr == SYS_clock_nanosleep)
        return true;
#endif
    return false;
}

/* Whether every thread of `d` is asleep and none has run since the first
 * look that found them so, RUN_ASLEEP_SECONDS ago or more (a thread
 * napping on a timer may have woken, but used no CPU), or only
 * RUN_STILL_SECONDS ago when every thread is blocked in a call with no
 * timeout: then no timer of theirs can end a wait, and nothing but
 * another of them could; remembers this look. A thread that cannot be
 * read counts as awake: unsure is not stuck. */
static bool
asleep_for_good(const struct diag *d, struct hang_asleep *last, int64_t now_ns)
{
    struct hang_asleep now = {.since_ns = now_ns};
    size_t blocked = 0;
    bool untimed = true;

    for (size_t i = 0; i < d->nprocs; i++)
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            const struct hthread *t = &d->procs[i].threads[j];
            unsigned long long switches = threads_switches(t);

            /* R runs or waits for a CPU; a kind unknown may be either. */
            if (t->kind == WAIT_RUNNING || t->kind == WAIT_UNKNOWN ||
                !t->cpu1_ok || switches == THREADS_NO_SWITCHES) {
                last->since_ns = 0;
                return false;
            }
            now.nthreads++;
            now.tids += (unsigned long long)t->tid;
            /* A thread that naps and wakes on a timer (a sanitizer's
             * background thread) does not move the others: its waking
             * counts for nothing, only the CPU it uses. */
            now.activity += t->cpu1 + (naps(t) ? 0 : switches);
            blocked += !naps(t);
            untimed = untimed && threads_untimed(t);
        }
    /* Only nappers: a program that sleeps and wakes may be waiting on its
     * own timers, with nothing of it blocked; never stuck. */
    if (blocked == 0) {
        last->since_ns = 0;
        return false;
    }
    if (last->since_ns != 0 && now.nthreads == last->nthreads &&
        now.tids == last->tids && now.activity == last->activity)
        now.since_ns = last->since_ns; /* nothing ran since */
    *last = now;
    return now_ns - now.since_ns >=
           (int64_t)(untimed ? RUN_STILL_SECONDS : RUN_ASLEEP_SECONDS) *
               1000000000;
}

enum run_stuck
hang_stuck(const pid_t *pids, size_t npids, struct hang_watch *watch,
           int64_t now_ns)
{
    struct diag d;
    enum run_stuck stuck = RUN_NOT_STUCK;

    if (read_tree(&d, pids, npids, NULL) != 0)
        return RUN_NOT_STUCK;
    inspect_tree(&d);
    if (same_cycle(&d, &watch->cycle))
        stuck = RUN_STUCK_CYCLE;
    else if (asleep_for_good(&d, &watch->asleep, now_ns))
        stuck = RUN_STUCK_ASLEEP;
    free_tree(&d);
    return stuck;
}

enum run_stuck
hang_stuck_hook(void *options, const pid_t *pids, size_t npids)
{
    struct hang_options *o = options;

    return hang_stuck(pids, npids, &o->watch, kit_now_ns());
}
