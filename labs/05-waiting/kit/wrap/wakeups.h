/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": spurious wakeups on demand,
 * error-checking mutexes, and the threads created, counted, by link-time
 * wrappers around pthread_cond_wait, pthread_cond_timedwait,
 * pthread_mutex_init and pthread_create. */
#ifndef WAKEUPS_H
#define WAKEUPS_H

/* From now on, one wait in `every` returns at once without a signal (as
 * POSIX allows a wait to), having let the mutex go and taken it back; 0
 * stops it. The test binary is linked with -Wl,--wrap=pthread_cond_wait
 * and -Wl,--wrap=pthread_cond_timedwait, so every wait in its own objects
 * (waiting.c included) goes through here. */
void wakeups_spurious_every(int every);

/* The spurious wakeups made so far. */
long wakeups_spurious(void);

/* Every mutex initialised with default attributes (NULL) is made
 * error-checking (-Wl,--wrap=pthread_mutex_init): unlocking a mutex the
 * thread does not hold, or waiting with one it does not hold, fails with
 * EPERM instead of going on unprotected. */

/* Threads created successfully by pthread_create since the program
 * started (-Wl,--wrap=pthread_create). */
long wakeups_threads_created(void);

#endif
