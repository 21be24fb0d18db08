/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the costs experiment. What it takes to start and end
 * a thread (pthread_create + pthread_join), a process (fork + _exit +
 * waitpid), and a process that writes to the memory it shares with its
 * parent by copy-on-write, as the parent has touched more and more memory.
 * Plain columns, one row per size, for a table or a plot. Kit-owned. */
#include "kit_args.h"
#include "kit_pthread.h"
#include "kit_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void *
nothing(void *arg)
{
    return arg;
}

static int
by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The median of n timings, in microseconds; reorders them. */
static double
median_us(int64_t *ns, long n)
{
    qsort(ns, (size_t)n, sizeof(*ns), by_value);
    return (double)(n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2) / 1e3;
}

static int64_t
thread_once(void)
{
    int64_t start = kit_now_ns();
    pthread_t tid;

    Pthread_create(&tid, NULL, nothing, NULL);
    Pthread_join(tid, NULL);
    return kit_now_ns() - start;
}

/* fork, the child writes one byte of each page of `memory` (none when
 * `pages` is 0) and exits, the parent waits. Each write to a page the
 * parent also maps makes the kernel copy that page for the child. */
static int64_t
fork_once(volatile char *memory, size_t pages, size_t page_size)
{
    int64_t start = kit_now_ns();
    pid_t pid = fork(), got;
    int status;

    if (pid < 0)
        kit_die("fork failed: %s", strerror(errno));
    if (pid == 0) {
        for (size_t p = 0; p < pages; p++)
            memory[p * page_size]++;
        _exit(0);
    }
    do
        got = waitpid(pid, &status, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        kit_die("waitpid failed: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        kit_die("a child ended abnormally (wait status 0x%x)",
                (unsigned)status);
    return kit_now_ns() - start;
}

/* One row: `mb` megabytes touched by the parent, `reps` of each timing. */
static void
row(long mb, long reps, int64_t *ns, size_t page_size)
{
    size_t bytes = (size_t)mb << 20;
    char *memory = NULL;
    double thread_us, fork_us, write_us;

    if (bytes > 0) {
        memory = malloc(bytes);
        if (memory == NULL)
            kit_die("out of memory for %ld MB", mb);
        /* Touched, so that every page exists and is mapped: untouched
         * pages of a fresh allocation cost fork nothing. */
        memset(memory, 1, bytes);
    }
    for (long r = 0; r < reps; r++)
        ns[r] = thread_once();
    thread_us = median_us(ns, reps);
    for (long r = 0; r < reps; r++)
        ns[r] = fork_once(memory, 0, page_size);
    fork_us = median_us(ns, reps);
    for (long r = 0; r < reps; r++)
        ns[r] = fork_once(memory, bytes / page_size, page_size);
    write_us = median_us(ns, reps);
    free(memory);
    printf("%10ld %11.1f %11.1f %15.1f\n", mb, thread_us, fork_us, write_us);
    fflush(stdout);
}

int
main(int argc, char **argv)
{
    const struct kit_args_spec spec = {
        .program = "costs",
        .summary = "Microseconds to create and join a thread, to fork and "
                   "wait for a process,\nand to fork a process that writes "
                   "every page the parent touched, as the\nparent's touched "
                   "memory grows from 0 to -n megabytes.",
        .options = "nr",
        .size_default = 256,
        .size_min = 1,
        .size_max = 65536,
        .size_meaning = "megabytes touched in the last row",
        .reps_default = 20,
        .reps_max = 10000,
    };
    struct kit_args a;
    long page = sysconf(_SC_PAGESIZE);
    int64_t *ns;

    kit_args_parse_or_exit(&spec, argc, argv, &a);
    if (page <= 0)
        kit_die("sysconf(_SC_PAGESIZE) failed");
    ns = malloc((size_t)a.reps * sizeof(*ns));
    if (ns == NULL)
        kit_die("out of memory");
    printf("# costs: median of %ld runs each, in microseconds; the parent has "
           "touched touched_mb\n",
           a.reps);
    printf("# thread: pthread_create + pthread_join of a thread that returns "
           "at once\n");
    printf("# fork: fork + _exit(0) + waitpid; fork_write: the child first "
           "writes a byte of every page\n");
    printf("%10s %11s %11s %15s\n", "touched_mb", "thread_us", "fork_us",
           "fork_write_us");
    fflush(stdout);
    /* 0, then 1, 4, 16, ... megabytes, and -n itself last. */
    row(0, a.reps, ns, (size_t)page);
    for (long mb = 1; mb < a.size; mb *= 4)
        row(mb, a.reps, ns, (size_t)page);
    row(a.size, a.reps, ns, (size_t)page);
    free(ns);
    return 0;
}
