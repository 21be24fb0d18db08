/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": what the tests see of the mutexes the code under
 * test takes. The test binary is linked so that every pthread_mutex_lock,
 * pthread_mutex_trylock and pthread_mutex_unlock goes through lock_trace.c. */
#ifndef LOCK_TRACE_H
#define LOCK_TRACE_H

#include <pthread.h>
#include <stdbool.h>

/* Mutexes locked so far (by pthread_mutex_lock, or a pthread_mutex_trylock
 * that succeeded), by every thread of the process. */
long locks_taken(void);

/* One lock or unlock, as the calling thread made it. */
struct lock_event {
    bool lock; /* true: locked; false: unlocked */
    const pthread_mutex_t *mutex;
};

/* The most events a trace keeps. */
#define LOCK_TRACE_MAX 16

/* Record the calling thread's locks and unlocks from now on. */
void lock_trace_start(void);

/* Stop recording; copy the events recorded (at most LOCK_TRACE_MAX) into
 * `events` and return how many there were, which may be more. */
int lock_trace_stop(struct lock_event *events);

/* From now on, the first lock each thread takes waits, up to `timeout_ms`,
 * until `nthreads` threads have come to theirs: threads that run at the
 * same time all meet there; threads run one after another (each joined
 * before the next starts) never do, and each waits out the time. */
void lock_rendezvous_start(int nthreads, int timeout_ms);

/* Stop the rendezvous; whether all the threads met at it. */
bool lock_rendezvous_stop(void);

#endif
