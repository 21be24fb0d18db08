/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": the costs experiment. What a small
 * task costs run three ways: in the calling thread (the work alone), in a
 * thread of its own (pthread_create + pthread_join per task), and through
 * your pool (pool_submit + future_wait, the workers started once). Tasks
 * of growing size, one row per size, microseconds per task, plain columns
 * for a table or a plot (make plots draws the slides' figure from them).
 * Kit-owned: nothing to edit here. */
#include "kit_args.h"
#include "kit_pthread.h"
#include "kit_time.h"
#include "waiting.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Task sizes: terms of a short sum, from a few nanoseconds of work to a
 * few tens of microseconds. */
static const long sizes[] = {1, 10, 100, 1000, 10000};

struct task {
    long terms;
    double result;
};

static void *
work(void *arg)
{
    struct task *t = arg;
    double sum = 0.0;

    for (long j = 1; j <= t->terms; j++)
        sum += sqrt((double)j) / (double)j;
    t->result = sum;
    return t;
}

int
main(int argc, char **argv)
{
    const struct kit_args_spec spec = {
        .program = "costs",
        .summary = "Microseconds per task: in the caller, a thread per task, "
                   "and your pool\n(-t workers), for tasks of growing size; "
                   "-n tasks per size.",
        .options = "tn",
        .threads_default = 2,
        .threads_max = 256,
        .size_default = 20000,
        .size_min = 1,
        .size_max = 10000000,
        .size_meaning = "tasks per size",
    };
    struct kit_args a;
    struct task *tasks;
    struct future *futures;
    pthread_t *threads;

    kit_args_parse_or_exit(&spec, argc, argv, &a);
    tasks = calloc((size_t)a.size, sizeof(*tasks));
    futures = calloc((size_t)a.size, sizeof(*futures));
    threads = calloc((size_t)a.size, sizeof(*threads));
    if (tasks == NULL || futures == NULL || threads == NULL)
        kit_die("out of memory for %ld tasks", a.size);
    printf("# microseconds per task; %ld tasks per size, a pool of %ld "
           "workers\n",
           a.size, a.threads);
    printf("%-8s %12s %16s %12s\n", "terms", "caller_us", "thread_each_us",
           "pool_us");
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        long n = sizes[s] >= 10000 && a.size > 2000 ? 2000 : a.size;
        int64_t t0, t1, t2, t3;
        struct pool p;

        for (long i = 0; i < n; i++)
            tasks[i].terms = sizes[s];
        t0 = kit_now_ns();
        for (long i = 0; i < n; i++)
            work(&tasks[i]);
        t1 = kit_now_ns();
        /* One thread per task, one at a time in flight: what starting and
         * ending a thread costs, on top of the work. */
        for (long i = 0; i < n; i++) {
            Pthread_create(&threads[i], NULL, work, &tasks[i]);
            Pthread_join(threads[i], NULL);
        }
        t2 = kit_now_ns();
        if (pool_init(&p, (int)a.threads, (size_t)n) != 0)
            kit_die("pool_init(&p, nworkers=%ld, capacity=%ld) returned -1 "
                    "(-1 is what the starter returns: not written yet?)",
                    a.threads, n);
        for (long i = 0; i < n; i++)
            if (pool_submit(&p, &futures[i], work, &tasks[i]) != 0)
                kit_die("pool_submit of task %ld returned -1", i);
        for (long i = 0; i < n; i++)
            future_wait(&futures[i]);
        t3 = kit_now_ns();
        pool_shutdown(&p);
        printf("%-8ld %12.3f %16.3f %12.3f\n", sizes[s],
               (double)(t1 - t0) / 1e3 / (double)n,
               (double)(t2 - t1) / 1e3 / (double)n,
               (double)(t3 - t2) / 1e3 / (double)n);
    }
    free(tasks);
    free(futures);
    free(threads);
    return EXIT_SUCCESS;
}
