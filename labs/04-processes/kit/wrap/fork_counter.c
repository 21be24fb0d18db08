/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": counts the processes the test binary creates. The
 * Makefile links the test binary with -Wl,--wrap=fork: the linker then
 * resolves every reference to fork to __wrap_fork below, and __real_fork
 * to the real function (or to a sanitizer's interceptor, which calls it). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "fork_counter.h"
#include "failures.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

pid_t __real_fork(void);
pid_t __wrap_fork(void);

/* The count lives in memory shared by every process of the test program:
 * a fork made in a child (a worker that forks again) increments the same
 * counter the test reads, where a plain variable would be the child's own
 * copy. A lock-free atomic works across processes as it does across
 * threads. Mapped by a constructor, before main and so before any fork. */
static atomic_long *created;

__attribute__((constructor)) static void
map_counter(void)
{
    void *shared = mmap(NULL, sizeof(*created), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (shared == MAP_FAILED) {
        perror("fork_counter: mmap");
        exit(EXIT_FAILURE);
    }
    created = shared;
    atomic_init(created, 0);
}

pid_t
__wrap_fork(void)
{
    pid_t pid;

    if (call_fails(FAILING_FORK)) {
        errno = EAGAIN;
        return -1;
    }
    pid = __real_fork();

    /* Counted by the new child, as the first thing it does, so the count
     * is complete once every child has been waited for. Counted in the
     * parent, after fork returns there, it could come late: Check's own
     * forks come through here too (libcheck is linked statically), and a
     * test process started by one of them could read the count before its
     * parent had added itself. A failed fork created nothing, and the
     * caller's check reports it. */
    if (pid == 0)
        atomic_fetch_add(created, 1);
    return pid;
}

long
processes_created(void)
{
    return atomic_load(created);
}
