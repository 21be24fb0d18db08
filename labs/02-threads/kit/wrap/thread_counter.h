/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": how many threads the code under test
 * has created, counted by a link-time wrapper around pthread_create. */
#ifndef THREAD_COUNTER_H
#define THREAD_COUNTER_H

/* Threads created successfully by pthread_create since the program started,
 * in any thread. The test binary is linked with -Wl,--wrap=pthread_create,
 * so every call to pthread_create in its own objects (parallel.c included)
 * goes through the counter. */
long threads_created(void);

#endif
