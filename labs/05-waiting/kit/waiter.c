/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": the waiter program, the grader's test
 * of busy waiting. Each phase makes your code wait for about 200 ms with
 * nothing to do: a get on an empty buffer, a put on a full one, an idle
 * pool, a future whose task sleeps, a barrier whose last party is late.
 * Correct code sleeps meanwhile; code that spins burns a core. For each
 * phase it measures the wall time and the CPU time of the whole process
 * (every thread) and hands the grader one line (kit_record.h).
 * Kit-owned: nothing to edit here. */
#include "kit_args.h"
#include "kit_busywait.h"
#include "kit_pthread.h"
#include "kit_time.h"
#include "waiting.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 200

static void
sleep_ms(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}

struct phase {
    const char *name;
    int64_t wall_ns, cpu_ns;
    char error[256];
};

static void *
get_one(void *arg)
{
    void *item = NULL;

    return buffer_get(arg, &item) == 0 ? item : (void *)-1;
}

static void *
put_one(void *arg)
{
    return (void *)(intptr_t)buffer_put(arg, (void *)2);
}

static void *
sleepy_task(void *arg)
{
    sleep_ms(WAIT_MS);
    return arg;
}

struct late {
    struct barrier *b;
    long delay_ms;
};

static void *
arrive(void *arg)
{
    struct late *l = arg;

    sleep_ms(l->delay_ms);
    barrier_wait(l->b);
    return NULL;
}

static void
run_phase(struct phase *p, int threads)
{
    struct buffer b;
    struct pool pool;
    struct future f;
    struct barrier bar;
    pthread_t t[64];
    struct late late[64];
    void *got = NULL;
    int64_t cpu = kit_process_cpu_ns(), wall = kit_now_ns();

    if (strcmp(p->name, "get") == 0) {
        if (buffer_init(&b, 4) != 0) {
            snprintf(p->error, sizeof(p->error), "buffer_init returned -1");
            return;
        }
        Pthread_create(&t[0], NULL, get_one, &b);
        sleep_ms(WAIT_MS); /* the getter waits on an empty buffer */
        if (buffer_put(&b, (void *)1) != 0)
            snprintf(p->error, sizeof(p->error), "buffer_put returned -1");
        Pthread_join(t[0], &got);
        if (p->error[0] == '\0' && got != (void *)1)
            snprintf(p->error, sizeof(p->error),
                     "the waiting buffer_get did not get the item put");
        buffer_destroy(&b);
    } else if (strcmp(p->name, "put") == 0) {
        if (buffer_init(&b, 1) != 0 || buffer_put(&b, (void *)1) != 0) {
            snprintf(p->error, sizeof(p->error), "buffer_init or put failed");
            return;
        }
        Pthread_create(&t[0], NULL, put_one, &b);
        sleep_ms(WAIT_MS); /* the putter waits on a full buffer */
        if (buffer_get(&b, &got) != 0 || buffer_get(&b, &got) != 0 ||
            got != (void *)2)
            snprintf(p->error, sizeof(p->error),
                     "the waiting buffer_put's item did not come out");
        Pthread_join(t[0], NULL);
        buffer_destroy(&b);
    } else if (strcmp(p->name, "idle-pool") == 0) {
        if (pool_init(&pool, threads, 8) != 0) {
            snprintf(p->error, sizeof(p->error), "pool_init returned -1");
            return;
        }
        sleep_ms(WAIT_MS); /* the workers wait for tasks */
        pool_shutdown(&pool);
    } else if (strcmp(p->name, "future") == 0) {
        if (pool_init(&pool, threads, 8) != 0 ||
            pool_submit(&pool, &f, sleepy_task, (void *)3) != 0) {
            snprintf(p->error, sizeof(p->error), "pool_init or submit failed");
            return;
        }
        if (future_wait(&f) != (void *)3) /* waits for the sleeping task */
            snprintf(p->error, sizeof(p->error),
                     "future_wait did not give the task's result");
        pool_shutdown(&pool);
    } else {
        if (barrier_init(&bar, threads) != 0) {
            snprintf(p->error, sizeof(p->error), "barrier_init returned -1");
            return;
        }
        for (int i = 0; i < threads; i++) {
            late[i] =
                (struct late){.b = &bar, .delay_ms = i == 0 ? WAIT_MS : 0};
            Pthread_create(&t[i], NULL, arrive, &late[i]);
        }
        for (int i = 0; i < threads; i++)
            Pthread_join(t[i], NULL);
        barrier_destroy(&bar);
    }
    p->wall_ns = kit_now_ns() - wall;
    p->cpu_ns = kit_process_cpu_ns() - cpu;
}

int
main(int argc, char **argv)
{
    const struct kit_args_spec spec = {
        .program = "waiter",
        .summary = "Make each part of waiting.c wait with nothing to do, and "
                   "say how much CPU\ntime the process used meanwhile: one "
                   "line per phase, \"busywait: phase=NAME\nwall_ns=N "
                   "cpu_ns=N\", then \"busywait: phases=5\".",
        .options = "t",
        .threads_default = 4,
        .threads_max = 64,
    };
    struct phase phases[] = {
        {.name = "get"},    {.name = "put"},     {.name = "idle-pool"},
        {.name = "future"}, {.name = "barrier"},
    };
    const int nphases = (int)(sizeof(phases) / sizeof(phases[0]));
    struct kit_args a;

    kit_args_parse_or_exit(&spec, argc, argv, &a);
    for (int i = 0; i < nphases; i++) {
        run_phase(&phases[i], (int)a.threads);
        if (phases[i].error[0] != '\0') {
            fprintf(stderr, "waiter: %s: %s%s\n", phases[i].name,
                    phases[i].error,
                    strstr(phases[i].error, "-1") != NULL
                        ? " (-1 is what the starter returns: not written yet?)"
                        : "");
            return EXIT_FAILURE;
        }
    }
    for (int i = 0; i < nphases; i++)
        kit_busywait_phase("waiter", phases[i].name, phases[i].wall_ns,
                           phases[i].cpu_ns, (int)a.threads, "threads");
    if (kit_busywait_end("waiter", nphases) != 0)
        return EXIT_FAILURE;
    return EXIT_SUCCESS;
}
