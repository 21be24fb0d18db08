/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis in words (see explain.h). */
#include "hang/explain.h"
#include "hang/gdb.h"

#include <stdio.h>
#include <string.h>

static bool
several_processes(const struct diag *d)
{
    size_t shown = 0;

    for (size_t i = 0; i < d->nprocs; i++)
        shown += !d->procs[i].skip;
    return shown > 1;
}

/* "thread 2 (TID 1235)", or "thread 2 of process 1234 (TID 1235)" */
static void
add_thread(struct text *b, const struct diag *d, const struct hthread *t,
           bool with_tid)
{
    if (several_processes(d))
        text_addf(b, "thread %d of process %d", t->num, (int)t->proc->pid);
    else
        text_addf(b, "thread %d", t->num);
    if (with_tid)
        text_addf(b, " (TID %d)", (int)t->tid);
}

static void
add_lock(struct text *b, const struct hthread *t, bool with_address)
{
    if (t->lock_name[0] != '\0' && with_address)
        text_addf(b, "%s (0x%llx)", t->lock_name, t->futex);
    else if (t->lock_name[0] != '\0')
        text_addf(b, "%s", t->lock_name);
    else
        text_addf(b, "the lock at 0x%llx", t->futex);
}

/* "waits for lock_b held by thread 3 (TID 1236)" */
static void
add_edge(struct text *b, const struct diag *d, const struct hthread *t,
         bool target_tid, bool with_address)
{
    if (t->kind == WAIT_JOIN) {
        text_addf(b, "waits for ");
        add_thread(b, d, t->owner, target_tid);
        text_addf(b, " to end (pthread_join)");
        return;
    }
    text_addf(b, "waits for ");
    add_lock(b, t, with_address);
    if (t->owner == t) {
        text_addf(b, ", which it holds itself (locked twice)");
        return;
    }
    text_addf(b, " held by ");
    add_thread(b, d, t->owner, target_tid);
}

/* Find the cycles of the wait-for graph (each thread waits for at most one
 * other, so following the edges from each thread finds them all) and say
 * each in words. Returns how many. */
static int
describe_cycles(struct text *b, struct diag *d)
{
    int iteration = 0, cycles = 0;

    for (size_t i = 0; i < d->nprocs; i++) {
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            struct hthread *x = &d->procs[i].threads[j];
            struct hthread *first;

            if (x->mark != 0)
                continue;
            iteration++;
            while (x != NULL && x->mark == 0) {
                x->mark = iteration;
                x = x->owner;
            }
            if (x == NULL || x->mark != iteration)
                continue; /* ends, or joins a path already followed */
            first = x;
            if (cycles++ > 0)
                text_addf(b, "; and ");
            add_thread(b, d, first, true);
            text_addf(b, " ");
            for (struct hthread *y = first;;) {
                y->in_cycle = true;
                add_edge(b, d, y, y->owner != first, false);
                y = y->owner;
                if (y == first)
                    break;
                text_addf(b, ", which ");
            }
        }
    }
    return cycles;
}

/* pthread_mutex_lock, not ___pthread_mutex_lock; pause, not __libc_pause. */
static void
clean_name(const char *func, char *buf, size_t len)
{
    static const struct {
        const char *internal, *public;
    } known[] = {
        {"pthread_clockjoin_ex", "pthread_join"},
        {"pthread_cond_wait_common", "pthread_cond_wait"},
        {"pthread_cond_clockwait_common", "pthread_cond_timedwait"},
        {"lll_lock_wait", "pthread_mutex_lock"},
    };
    const char *s = func;

    while (*s == '_')
        s++;
    if (strncmp(s, "GI_", 3) == 0)
        s += 3;
    while (*s == '_')
        s++;
    if (strncmp(s, "libc_", 5) == 0 && s[5] != '\0')
        s += 5;
    /* A test's link-time wrapper (__wrap_pthread_mutex_lock) stands for
     * the call the student wrote. */
    if (strncmp(s, "wrap_", 5) == 0 && s[5] != '\0')
        s += 5;
    if (*s == '\0')
        s = func;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(s, known[i].internal) == 0)
            s = known[i].public;
    snprintf(buf, len, "%s", s);
}

/* Whether gdb found the thread inside pthread_cond_wait or
 * pthread_cond_timedwait: then the futex it sleeps on is a condition
 * variable's. */
static bool
in_cond_wait(const struct hthread *t)
{
    char name[128];

    if (t->kind != WAIT_FUTEX)
        return false;
    for (size_t i = 0; i < t->nframes; i++) {
        clean_name(t->frames[i].func, name, sizeof(name));
        if (strcmp(name, "pthread_cond_wait") == 0 ||
            strcmp(name, "pthread_cond_timedwait") == 0)
            return true;
    }
    return false;
}

/* "the condition variable not_empty": the symbol the futex lies in (the
 * futex is a word inside the pthread_cond_t, "not_empty + 8" to gdb; a
 * condition variable inside a struct is named by the struct). */
static void
add_cond(struct text *b, const struct hthread *t)
{
    const char *plus = strstr(t->lock_name, " + ");
    int len =
        plus != NULL ? (int)(plus - t->lock_name) : (int)strlen(t->lock_name);

    if (len > 0)
        text_addf(b, "the condition variable %.*s", len, t->lock_name);
    else
        text_addf(b, "the condition variable at 0x%llx", t->futex);
}

/* Where gdb found the thread: the student's frames, and the call they
 * made that blocks; or, outside the student's code, the top frames. */
static void
add_where(struct text *b, const struct diag *d, const struct hthread *t,
          bool blocked)
{
    size_t first = t->nframes;
    char name[128];
    bool any = false;

    for (size_t i = 0; i < t->nframes && first == t->nframes; i++)
        if (gdb_student_frame(d, &t->frames[i]))
            first = i;
    if (first == t->nframes) {
        text_addf(b, "; %s outside the student's code, in ",
                  blocked ? "blocked" : "running");
        for (size_t i = 0; i < t->nframes && i < 3; i++) {
            clean_name(t->frames[i].func, name, sizeof(name));
            text_addf(b, "%s%s()", i == 0 ? "" : ", called from ", name);
        }
        if (t->nframes == 0)
            text_addf(b, "an unknown place (no frames)");
        return;
    }
    if (first > 0) {
        clean_name(t->frames[first - 1].func, name, sizeof(name));
        text_addf(b, "; %s %s, called from ", blocked ? "blocked in" : "in",
                  name);
    } else {
        text_addf(b, "; in ");
    }
    for (size_t i = first; i < t->nframes; i++) {
        const struct frame *f = &t->frames[i];

        if (!gdb_student_frame(d, f))
            continue;
        text_addf(b, "%s%s() at %s:%d", any ? ", from " : "", f->func, f->file,
                  f->line);
        any = true;
    }
}

/* The first thread found waiting on a condition variable, or NULL. */
static const struct hthread *
cond_waiter(const struct diag *d)
{
    for (size_t i = 0; i < d->nprocs; i++) {
        if (d->procs[i].skip)
            continue;
        for (size_t j = 0; j < d->procs[i].nthreads; j++)
            if (in_cond_wait(&d->procs[i].threads[j]))
                return &d->procs[i].threads[j];
    }
    return NULL;
}

/* " (in consumer() at buffer.c:42)": the innermost of the student's
 * frames, where the wait was called; nothing when none is known. */
static void
add_student_line(struct text *b, const struct diag *d, const struct hthread *t)
{
    for (size_t i = 0; i < t->nframes; i++)
        if (gdb_student_frame(d, &t->frames[i])) {
            text_addf(b, " (in %s() at %s:%d)", t->frames[i].func,
                      t->frames[i].file, t->frames[i].line);
            return;
        }
}

static int
busy_percent(const struct diag *d, const struct hthread *t)
{
    double ticks;

    if (!t->cpu0_ok || !t->cpu1_ok || t->cpu1 < t->cpu0 || d->clk_tck <= 0)
        return 0;
    ticks = (double)(t->cpu1 - t->cpu0);
    return (int)(ticks / (double)d->clk_tck * 1e9 / (double)SAMPLE_NS * 100 +
                 0.5);
}

static void
add_thread_line(struct text *b, const struct diag *d, const struct hthread *t)
{
    const char *sys = threads_syscall_name(t->nr);
    int busy = busy_percent(d, t);

    text_addf(b, "  ");
    add_thread(b, d, t, true);
    text_addf(b, ": ");
    switch (t->kind) {
    case WAIT_RUNNING:
        text_addf(b, "running");
        break;
    case WAIT_LOCK:
    case WAIT_JOIN:
        add_edge(b, d, t, true, true);
        break;
    case WAIT_FUTEX:
        if (in_cond_wait(t)) {
            text_addf(b, "waits on ");
            add_cond(b, t);
            break;
        }
        text_addf(b, "waits on ");
        if (t->lock_name[0] != '\0')
            text_addf(b, "%s (0x%llx)", t->lock_name, t->futex);
        else
            text_addf(b, "the futex at 0x%llx", t->futex);
        if (t->owner_tid > 0)
            text_addf(b,
                      ": a mutex last held by TID %d, which has ended "
                      "(without unlocking it?), or a condition variable, "
                      "barrier or semaphore",
                      (int)t->owner_tid);
        else
            text_addf(b, " (a condition variable, a barrier, a semaphore or a "
                         "lock)");
        break;
    case WAIT_CHILD:
        text_addf(b, "waits for a child process to end");
        break;
    case WAIT_IO:
    case WAIT_SLEEP:
    case WAIT_OTHER:
        if (sys != NULL)
            text_addf(b, "sleeping in %s", sys);
        else
            text_addf(b, "sleeping in system call %ld", t->nr);
        break;
    case WAIT_STOPPED:
        text_addf(b, "stopped");
        break;
    case WAIT_GONE:
        text_addf(b, "ended during the diagnosis");
        return;
    case WAIT_UNKNOWN:
        text_addf(b, "sleeping (state %c)", t->state != 0 ? t->state : '?');
        break;
    }
    /* State R, or CPU used while sampled: the thread is working, not
     * waiting; the share says how much (a thread that shares its core with
     * others gets less). */
    if (t->kind == WAIT_RUNNING || busy >= 20)
        text_addf(b,
                  ", busy (%d%% of a core): an endless loop, a spin wait, "
                  "or work too slow for the time limit",
                  busy > 100 ? 100 : busy);
    if (t->proc->gdb_ok && t->in_gdb)
        add_where(b, d, t, t->kind != WAIT_RUNNING && busy < 20);
    else if (t->wchan[0] != '\0' && t->kind != WAIT_RUNNING)
        text_addf(b, " (kernel wait channel %s)", t->wchan);
    text_addf(b, "\n");
}

/* How the threads shown wait, when none runs or used CPU during the
 * sample (else false): how many are asleep, how many of them on a futex
 * (a lock, a condition variable, a join), and whether any waits for
 * something else than a futex or a child. */
struct waits {
    size_t asleep, futex;
    bool other;
};

static bool
none_running(const struct diag *d, struct waits *w)
{
    *w = (struct waits){0, 0, false};
    for (size_t i = 0; i < d->nprocs; i++) {
        if (d->procs[i].skip)
            continue;
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            const struct hthread *t = &d->procs[i].threads[j];

            if (t->kind == WAIT_GONE)
                continue;
            if (busy_percent(d, t) >= 5 || t->kind == WAIT_RUNNING ||
                t->kind == WAIT_UNKNOWN)
                return false;
            w->asleep++;
            if (t->kind == WAIT_LOCK || t->kind == WAIT_JOIN ||
                t->kind == WAIT_FUTEX)
                w->futex++;
            else if (t->kind != WAIT_CHILD)
                w->other = true;
        }
    }
    return true;
}

void
explain_hang(struct text *b, struct diag *d, double seconds)
{
    struct text cycles = TEXT_INIT;
    int ncycles = describe_cycles(&cycles, d);
    bool gdb_failed = false;
    struct waits w;
    bool still = none_running(d, &w);

    const struct hthread *waiter = still ? cond_waiter(d) : NULL;

    if (ncycles > 0)
        text_addf(b, "suspected deadlock: %s.\n",
                  cycles.len > 0 ? text_str(&cycles) : "a wait-for cycle");
    else if (waiter != NULL && !w.other) {
        text_addf(b, "suspected lost wakeup: after %.1f s ", seconds);
        add_thread(b, d, waiter, false);
        text_addf(b, " still waits on ");
        add_cond(b, waiter);
        add_student_line(b, d, waiter);
        text_addf(b,
                  ", and no thread will signal it: none is running, and "
                  "every other thread waits too. A signal sent before the "
                  "wait began is lost, and a signal wakes one waiter where a "
                  "broadcast wakes all: wait in a loop over the condition, "
                  "checked under the mutex (while (!condition) "
                  "pthread_cond_wait(...)), and signal or broadcast after "
                  "every change that can make it true.\n");
    } else if (still && w.futex > 0 && !w.other)
        text_addf(b,
                  "suspected deadlock: after %.1f s every thread is blocked "
                  "waiting (for a lock, a condition variable, a barrier or "
                  "another thread) and none is running.\n",
                  seconds);
    else if (still && w.asleep > 0)
        text_addf(b,
                  "after %.1f s no thread is running: each waits in the "
                  "kernel, as below.\n",
                  seconds);
    else
        text_addf(b, "the program was still running after %.1f s (timed out)\n",
                  seconds);
    text_free(&cycles);

    for (size_t i = 0; i < d->nprocs; i++) {
        const struct hproc *p = &d->procs[i];

        if (p->skip) {
            text_addf(b, "process %d (%s) only waits for its child process\n",
                      (int)p->pid, p->comm);
            continue;
        }
        text_addf(b, "process %d (%s), %zu thread%s:\n", (int)p->pid, p->comm,
                  p->nthreads, p->nthreads == 1 ? "" : "s");
        for (size_t j = 0; j < p->nthreads && j < MAX_THREADS; j++)
            add_thread_line(b, d, &p->threads[j]);
        if (p->nthreads > MAX_THREADS)
            text_addf(b, "  ... and %zu more threads\n",
                      p->nthreads - MAX_THREADS);
        gdb_failed = gdb_failed || (p->gdb_ran && !p->gdb_ok);
    }
    if (d->more_procs > 0)
        text_addf(b, "... and %zu more processes\n", d->more_procs);
    if (d->gdb_missing[0] != '\0') {
        text_addf(b,
                  "gdb was not available (%s): where each thread waits comes "
                  "from the kernel alone (its state, wait channel and the "
                  "futex it waits on), without source lines.\n",
                  d->gdb_missing);
    } else if (gdb_failed) {
        for (size_t i = 0; i < d->nprocs; i++)
            if (d->procs[i].gdb_ran && !d->procs[i].gdb_ok)
                text_addf(b,
                          "gdb could not show process %d (%s): where its "
                          "threads wait comes from the kernel alone.\n",
                          (int)d->procs[i].pid, d->procs[i].gdb_error);
    }
    if (d->gdb_gave_up > 0)
        text_addf(b,
                  "gdb was not tried on the other processes: it ran out of "
                  "time on process %d, on a machine too busy for it.\n",
                  (int)d->gdb_gave_up);
}
