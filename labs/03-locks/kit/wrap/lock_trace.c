/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": watches the mutexes the test binary takes. The
 * Makefile links the test binary with -Wl,--wrap=pthread_mutex_lock (and
 * trylock, unlock): the linker then resolves every call to
 * pthread_mutex_lock to __wrap_pthread_mutex_lock below, and
 * __real_pthread_mutex_lock to the real function (or to a sanitizer's
 * interceptor, which calls it). Each wrapper makes the real call, then
 * notes it. */
#include "lock_trace.h"

#include <stdatomic.h>
#include <time.h>

int __real_pthread_mutex_lock(pthread_mutex_t *mutex);
int __real_pthread_mutex_trylock(pthread_mutex_t *mutex);
int __real_pthread_mutex_unlock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_trylock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *mutex);

/* Atomic, because the code under test locks from many threads at once; a
 * relaxed add, because only the total is read, after the threads' joins. */
static atomic_long taken;

/* Each thread traces its own calls: a lock order is a property of one
 * thread's sequence, and no other thread may write into it. */
static _Thread_local bool tracing;
static _Thread_local int nevents;
static _Thread_local struct lock_event events_of_thread[LOCK_TRACE_MAX];

/* The rendezvous: its own mutex and condition variable, taken with the
 * real functions, so that the wrappers never see them. */
static pthread_mutex_t meeting_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meeting_cond = PTHREAD_COND_INITIALIZER;
static int meeting_want, meeting_arrived, meeting_timeout_ms;
static bool meeting_met;
static atomic_bool meeting_open;
static _Thread_local int meeting_seen; /* the meeting this thread came to */
static int meeting_number;

static void
meet(void)
{
    struct timespec until;

    if (__real_pthread_mutex_lock(&meeting_lock) != 0)
        return;
    if (meeting_seen != meeting_number && meeting_want > 0) {
        meeting_seen = meeting_number;
        if (++meeting_arrived >= meeting_want) {
            meeting_met = true;
            (void)pthread_cond_broadcast(&meeting_cond);
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += meeting_timeout_ms / 1000;
        until.tv_nsec += (long)(meeting_timeout_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        while (!meeting_met && pthread_cond_timedwait(
                                   &meeting_cond, &meeting_lock, &until) == 0)
            ;
        /* Tired of waiting: gone, and no longer counted as there. */
        if (!meeting_met)
            meeting_arrived--;
    }
    (void)__real_pthread_mutex_unlock(&meeting_lock);
}

static void
note(bool lock, const pthread_mutex_t *mutex)
{
    if (lock)
        atomic_fetch_add_explicit(&taken, 1, memory_order_relaxed);
    if (!tracing)
        return;
    if (nevents < LOCK_TRACE_MAX)
        events_of_thread[nevents] = (struct lock_event){lock, mutex};
    nevents++;
}

int
__wrap_pthread_mutex_lock(pthread_mutex_t *mutex)
{
    int rc;

    /* Before the lock, not while holding it: the others must get theirs. */
    if (atomic_load_explicit(&meeting_open, memory_order_acquire))
        meet();
    rc = __real_pthread_mutex_lock(mutex);

    /* A call that failed locked nothing; the caller's checked wrapper
     * reports it. */
    if (rc == 0)
        note(true, mutex);
    return rc;
}

int
__wrap_pthread_mutex_trylock(pthread_mutex_t *mutex)
{
    int rc = __real_pthread_mutex_trylock(mutex);

    if (rc == 0)
        note(true, mutex);
    return rc;
}

int
__wrap_pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    /* Noted before the real call: once the mutex is free another thread may
     * lock it, and this thread's order is what a trace shows. */
    note(false, mutex);
    return __real_pthread_mutex_unlock(mutex);
}

long
locks_taken(void)
{
    return atomic_load_explicit(&taken, memory_order_relaxed);
}

void
lock_trace_start(void)
{
    nevents = 0;
    tracing = true;
}

int
lock_trace_stop(struct lock_event *events)
{
    tracing = false;
    for (int i = 0; i < nevents && i < LOCK_TRACE_MAX; i++)
        events[i] = events_of_thread[i];
    return nevents;
}

void
lock_rendezvous_start(int nthreads, int timeout_ms)
{
    (void)__real_pthread_mutex_lock(&meeting_lock);
    meeting_number++;
    meeting_want = nthreads;
    meeting_arrived = 0;
    meeting_met = false;
    meeting_timeout_ms = timeout_ms;
    (void)__real_pthread_mutex_unlock(&meeting_lock);
    atomic_store_explicit(&meeting_open, true, memory_order_release);
}

bool
lock_rendezvous_stop(void)
{
    bool met;

    atomic_store_explicit(&meeting_open, false, memory_order_release);
    (void)__real_pthread_mutex_lock(&meeting_lock);
    met = meeting_met;
    meeting_want = 0;
    (void)__real_pthread_mutex_unlock(&meeting_lock);
    return met;
}
