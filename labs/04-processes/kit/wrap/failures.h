/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": calls that fail on purpose, so that the tests see
 * the paths a call takes when the machine says no. The test binary is
 * linked with -Wl,--wrap= for each of them (the lab's Makefile): every call
 * from its own objects (processes.c included) goes through failures.c (fork
 * through fork_counter.c), which fails it when told to and otherwise calls
 * the real one. */
#ifndef FAILURES_H
#define FAILURES_H

#include <stdbool.h>

enum failing {
    FAILING_FORK,      /* fails with EAGAIN, as when out of processes */
    FAILING_PIPE,      /* EMFILE, as when out of descriptors */
    FAILING_CALLOC,    /* returns NULL, as when out of memory */
    FAILING_MMAP,      /* ENOMEM */
    FAILING_SIGACTION, /* EINVAL */
    FAILING_CALLS
};

/* From now on, in the calling process, the next `n` calls of `call`
 * succeed and the one after them fails; then they succeed again. n = -1:
 * none fails. A child's copy of the setting fails nothing of its own. */
void call_fails_after(enum failing call, long n);

/* For the wrappers: whether this call of `call` is the one to fail. */
bool call_fails(enum failing call);

#endif
