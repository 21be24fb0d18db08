/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the failures of failures.h, and the wrappers of the
 * calls that can fail but fork (fork_counter.c wraps fork). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "failures.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/types.h>

int __real_pipe(int fds[2]);
int __wrap_pipe(int fds[2]);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
int __real_sigaction(int sig, const struct sigaction *act,
                     struct sigaction *old);
int __wrap_sigaction(int sig, const struct sigaction *act,
                     struct sigaction *old);

/* Calls of each kind to let through before one fails; -1: none fails.
 * This process's own, set by the test's thread before the call under
 * test. */
static long before_failure[FAILING_CALLS] = {-1, -1, -1, -1, -1};

void
call_fails_after(enum failing call, long n)
{
    before_failure[call] = n;
}

bool
call_fails(enum failing call)
{
    if (before_failure[call] == 0) {
        before_failure[call] = -1;
        return true;
    }
    if (before_failure[call] > 0)
        before_failure[call]--;
    return false;
}

int
__wrap_pipe(int fds[2])
{
    if (call_fails(FAILING_PIPE)) {
        errno = EMFILE;
        return -1;
    }
    return __real_pipe(fds);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    if (call_fails(FAILING_CALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_calloc(n, size);
}

void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (call_fails(FAILING_MMAP)) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return __real_mmap(addr, len, prot, flags, fd, off);
}

int
__wrap_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (call_fails(FAILING_SIGACTION)) {
        errno = EINVAL;
        return -1;
    }
    return __real_sigaction(sig, act, old);
}
