/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": public tests. The buffer under many
 * producers and consumers at tiny capacities, then again with spurious
 * wakeups injected (kit/wrap/wakeups.c makes some waits return without a
 * signal); the pool's results, shutdown and threads; the barrier's rounds.
 * No test measures time: a wait that never ends is a hang, which the
 * grader diagnoses. */
#include "kit_hidden.h"
#include "kit_pthread.h"
#include "kit_sanitizer.h"
#include "waiting.h"
#include "wakeups.h"

#include <check.h>
#include <dirent.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* ---- the buffer ---- */

/* After "returned -1": the starter's answer. */
#define STARTER "(-1 is what the starter returns: not written yet?)"

START_TEST(buffer_refuses_no_capacity)
{
    struct buffer b;

    ck_assert_msg(
        buffer_init(&b, 1) == 0,
        "buffer_init(&b, capacity=1) returned -1; expected 0 " STARTER);
    buffer_destroy(&b);
    ck_assert_msg(buffer_init(&b, 0) == -1,
                  "buffer_init(&b, capacity=0) returned 0; expected -1: a "
                  "buffer of no slot could never take an item");
}
END_TEST

START_TEST(buffer_is_first_in_first_out)
{
    struct buffer b;
    void *item = NULL;
    int rc = buffer_init(&b, 3);

    ck_assert_msg(
        rc == 0, "buffer_init(&b, capacity=3) returned %d; expected 0 " STARTER,
        rc);
    for (intptr_t round = 0; round < 4; round++) {
        for (intptr_t i = 1; i <= 3; i++)
            ck_assert_msg(buffer_put(&b, (void *)(round * 10 + i)) == 0,
                          "buffer_put of item %ld of 3 into an open buffer of "
                          "3 slots returned -1; expected 0",
                          (long)i);
        for (intptr_t i = 1; i <= 3; i++) {
            ck_assert_msg(buffer_get(&b, &item) == 0,
                          "buffer_get from a buffer holding %ld items "
                          "returned -1; expected 0",
                          (long)(4 - i));
            ck_assert_msg((intptr_t)item == round * 10 + i,
                          "buffer_get returned item %ld; expected %ld: items "
                          "come out in the order they went in (round %ld "
                          "around the ring)",
                          (long)(intptr_t)item, (long)(round * 10 + i),
                          (long)round);
        }
    }
    buffer_destroy(&b);
}
END_TEST

START_TEST(closed_buffer_refuses_puts_and_drains)
{
    struct buffer b;
    void *item = NULL;

    ck_assert_msg(
        buffer_init(&b, 4) == 0,
        "buffer_init(&b, capacity=4) returned -1; expected 0 " STARTER);
    ck_assert_msg(buffer_put(&b, (void *)1) == 0 &&
                      buffer_put(&b, (void *)2) == 0,
                  "buffer_put into an open buffer of 4 slots returned -1; "
                  "expected 0");
    buffer_close(&b);
    buffer_close(&b); /* twice is once */
    ck_assert_msg(buffer_put(&b, (void *)3) == -1,
                  "buffer_put after buffer_close returned 0; expected -1: a "
                  "closed buffer takes no more items");
    for (intptr_t want = 1; want <= 2; want++) {
        ck_assert_msg(buffer_get(&b, &item) == 0 && (intptr_t)item == want,
                      "buffer_get after the close: expected item %ld of the "
                      "2 put before it (a close drains, it does not drop)",
                      (long)want);
    }
    ck_assert_msg(buffer_get(&b, &item) == -1,
                  "buffer_get from a closed, drained buffer returned 0; "
                  "expected -1, the end");
    buffer_destroy(&b);
}
END_TEST

/* Items are (producer << 32 | sequence number + 1): never NULL. */
#define ITEM(producer, seq)                                                    \
    ((void *)(((uintptr_t)(producer) << 32) | ((seq) + 1)))
#define PRODUCER_OF(item) ((int)((uintptr_t)(item) >> 32))
#define SEQ_OF(item) ((long)((uintptr_t)(item)&0xffffffffu) - 1)

struct stress {
    struct buffer b;
    int producers, consumers;
    long per_producer;
    atomic_int *seen;    /* producers * per_producer: times each was got */
    atomic_long wrong;   /* items out of order or unknown */
    atomic_long got_all; /* items got, over every consumer */
    atomic_bool closing; /* the test has closed the buffer, or is about to */
    atomic_bool cut;     /* a get ended before the close: the run was cut */
    char why[256];       /* the first thing wrong, in words */
    atomic_flag told;
};

struct party {
    struct stress *s;
    int id;
};

static void
note(struct stress *s, const char *what, long a, long b)
{
    if (!atomic_flag_test_and_set(&s->told))
        snprintf(s->why, sizeof(s->why), what, a, b);
    atomic_fetch_add(&s->wrong, 1);
}

static void *
producer(void *arg)
{
    struct party *p = arg;

    for (long i = 0; i < p->s->per_producer; i++)
        if (buffer_put(&p->s->b, ITEM(p->id, i)) != 0) {
            if (!atomic_load(&p->s->cut))
                note(p->s,
                     "producer %ld: buffer_put of item %ld into an open "
                     "buffer returned -1",
                     p->id, i);
            break;
        }
    return NULL;
}

static void *
consumer(void *arg)
{
    struct party *p = arg;
    struct stress *s = p->s;
    long *last = calloc((size_t)s->producers, sizeof(*last));
    void *item;

    if (last == NULL)
        kit_die("out of memory");
    for (int i = 0; i < s->producers; i++)
        last[i] = -1;
    while (buffer_get(&s->b, &item) == 0) {
        int from = PRODUCER_OF(item);
        long seq = SEQ_OF(item);

        if (item == NULL || from < 0 || from >= s->producers || seq < 0 ||
            seq >= s->per_producer) {
            note(s,
                 "a consumer got an item no producer put (%#lx), after "
                 "%ld good ones",
                 (long)(uintptr_t)item, atomic_load(&s->got_all));
            continue;
        }
        if (seq <= last[from])
            note(s,
                 "a consumer got item %ld of a producer after its item %ld: "
                 "each producer's items must come out in order",
                 seq, last[from]);
        last[from] = seq;
        atomic_fetch_add(&s->seen[(long)from * s->per_producer + seq], 1);
        atomic_fetch_add(&s->got_all, 1);
    }
    /* The end came before the close: the consumers that stopped would
     * leave the producers waiting for room for ever, so the run is cut
     * here (the close lets them go), and said. */
    if (!atomic_load(&s->closing) && !atomic_exchange(&s->cut, true)) {
        note(s,
             "a buffer_get returned -1 (closed and empty) while the buffer "
             "was open, after %ld items of %ld",
             atomic_load(&s->got_all), (long)s->producers * s->per_producer);
        buffer_close(&s->b);
    }
    free(last);
    return NULL;
}

/* Producers and consumers at once through a buffer of `capacity`; then
 * every item must have been got once. `spurious`: the wait that returns
 * without a signal, one in that many (0: none). */
static void
stress_run(int producers, int consumers, size_t capacity, long per_producer,
           int spurious)
{
    struct stress s = {.producers = producers,
                       .consumers = consumers,
                       .per_producer = per_producer,
                       .told = ATOMIC_FLAG_INIT};
    pthread_t *threads =
        calloc((size_t)(producers + consumers), sizeof(*threads));
    struct party *parties =
        calloc((size_t)(producers + consumers), sizeof(*parties));
    long total = (long)producers * per_producer, missing = 0, twice = 0,
         first_bad = -1;
    char call[200];

    snprintf(call, sizeof(call),
             "%d producers putting %ld items each and %d consumers, through a "
             "buffer of capacity %zu%s",
             producers, per_producer, consumers, capacity,
             spurious > 0 ? ", one wait in a few returning without a signal "
                            "(a spurious wakeup, made by the test)"
                          : "");
    s.seen = calloc((size_t)total, sizeof(*s.seen));
    if (threads == NULL || parties == NULL || s.seen == NULL)
        kit_die("out of memory");
    ck_assert_msg(buffer_init(&s.b, capacity) == 0,
                  "buffer_init(&b, capacity=%zu) returned -1; expected 0 (-1 "
                  "is what the starter returns: not written yet?)",
                  capacity);
    wakeups_spurious_every(spurious);
    for (int i = 0; i < producers + consumers; i++) {
        parties[i] =
            (struct party){.s = &s, .id = i < producers ? i : i - producers};
        Pthread_create(&threads[i], NULL, i < producers ? producer : consumer,
                       &parties[i]);
    }
    for (int i = 0; i < producers; i++)
        Pthread_join(threads[i], NULL);
    /* Every item is in, or got: the close lets the consumers end once the
     * buffer is drained. */
    atomic_store(&s.closing, true);
    buffer_close(&s.b);
    for (int i = producers; i < producers + consumers; i++)
        Pthread_join(threads[i], NULL);
    wakeups_spurious_every(0);
    for (long i = 0; i < total; i++) {
        int n = atomic_load(&s.seen[i]);
        missing += n == 0;
        twice += n > 1;
        if (n != 1 && first_bad < 0)
            first_bad = i;
    }
    buffer_destroy(&s.b);
    free(s.seen);
    free(threads);
    free(parties);
    if (atomic_load(&s.wrong) > 0 || missing > 0 || twice > 0) {
        const char *hint =
            spurious > 0
                ? ": a wait returned without a signal and the code went on "
                  "as if its condition held. Wait in a while loop over the "
                  "condition (while (count == 0 && !closed) "
                  "pthread_cond_wait(...)), not an if: POSIX lets a wait "
                  "return without a signal, and another thread may take "
                  "what a signal announced before the woken thread runs"
                : "";
        ck_abort_msg("%s: %ld of the %ld items never got, %ld got more than "
                     "once (the first: item %ld of producer %ld)%s%s%s",
                     call, missing, total, twice,
                     first_bad >= 0 ? first_bad % per_producer : -1,
                     first_bad >= 0 ? first_bad / per_producer : -1,
                     s.why[0] != '\0' ? "; " : "", s.why, hint);
    }
}

static const struct {
    int producers, consumers;
    size_t capacity;
} stresses[] = {
    {1, 1, 1}, {4, 4, 1}, {4, 4, 2}, {2, 6, 2}, {6, 2, 1}, {8, 8, 16},
};

#define PER_PRODUCER KIT_LONG_RUN(5000, 800)

START_TEST(many_producers_and_consumers)
{
    stress_run(stresses[_i].producers, stresses[_i].consumers,
               stresses[_i].capacity, PER_PRODUCER, 0);
}
END_TEST

START_TEST(spurious_wakeups_change_nothing)
{
    long before = wakeups_spurious();

    stress_run(stresses[_i].producers, stresses[_i].consumers,
               stresses[_i].capacity, PER_PRODUCER / 4, 3);
    ck_assert_msg(wakeups_spurious() > before,
                  "no wait of the buffer went through pthread_cond_wait: the "
                  "buffer must wait on its condition variables, not spin");
}
END_TEST

/* A get that waits on an empty buffer ends when it is closed. */
static void *
waiting_get(void *arg)
{
    void *item;

    return (void *)(intptr_t)buffer_get(arg, &item);
}

START_TEST(close_wakes_a_waiting_get)
{
    struct buffer b;
    pthread_t t;
    void *rc;

    ck_assert_msg(
        buffer_init(&b, 2) == 0,
        "buffer_init(&b, capacity=2) returned -1; expected 0 " STARTER);
    Pthread_create(&t, NULL, waiting_get, &b);
    buffer_close(&b);
    Pthread_join(t, &rc);
    ck_assert_msg((intptr_t)rc == -1,
                  "a buffer_get waiting on an empty buffer, then closed, "
                  "returned %ld; expected -1",
                  (long)(intptr_t)rc);
    buffer_destroy(&b);
}
END_TEST

/* ---- the pool ---- */

static atomic_int runs[4096];

static void *
square(void *arg)
{
    intptr_t x = (intptr_t)arg;

    atomic_fetch_add(&runs[x], 1);
    return (void *)(x * x);
}

static void *
nothing(void *arg)
{
    return arg;
}

/* The threads of this process, from /proc/self/task. A thread is made and
 * joined first, so that the helper threads a sanitizer starts with the
 * first new thread are there already and count alike before and after. */
static int
threads_now(void)
{
    static bool warmed;
    if (!warmed) {
        pthread_t t;
        Pthread_create(&t, NULL, nothing, NULL);
        Pthread_join(t, NULL);
        warmed = true;
    }
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static const int pool_sizes[] = {1, 2, 3, 8};
static const size_t pool_capacities[] = {1, 4};

START_TEST(pool_runs_every_task_once)
{
    int nworkers = pool_sizes[_i / COUNT(pool_capacities)];
    size_t capacity = pool_capacities[_i % COUNT(pool_capacities)];
    long ntasks = KIT_LONG_RUN(4000, 800);
    struct future *f = calloc((size_t)ntasks, sizeof(*f));
    struct pool p;
    int before = threads_now();
    long created = wakeups_threads_created();

    char call[120];

    snprintf(call, sizeof(call), "pool_init(&p, nworkers=%d, capacity=%zu)",
             nworkers, capacity);
    if (f == NULL)
        kit_die("out of memory");
    memset(runs, 0, sizeof(runs));
    ck_assert_msg(pool_init(&p, nworkers, capacity) == 0,
                  "%s returned -1; expected 0 (-1 is what the starter "
                  "returns: not written yet?)",
                  call);
    created = wakeups_threads_created() - created;
    ck_assert_msg(created == nworkers,
                  "%s created %ld threads; expected %d, one per worker", call,
                  created, nworkers);
    for (long i = 0; i < ntasks; i++)
        ck_assert_msg(pool_submit(&p, &f[i], square, (void *)(intptr_t)i) == 0,
                      "after %s, pool_submit of task %ld returned -1; "
                      "expected 0",
                      call, i);
    for (long i = ntasks - 1; i >= 0; i -= 7) {
        intptr_t got = (intptr_t)future_wait(&f[i]);
        ck_assert_msg(got == (intptr_t)i * i,
                      "after %s, future_wait of task %ld (square of %ld) gave "
                      "%ld; expected %ld",
                      call, i, i, (long)got, (long)((intptr_t)i * i));
    }
    pool_wait_all(&p);
    for (long i = 0; i < ntasks; i++) {
        int n = atomic_load(&runs[i]);
        ck_assert_msg(n == 1,
                      "after %s and pool_wait_all, task %ld had run %d times; "
                      "expected once",
                      call, i, n);
        ck_assert_msg(f[i].done && (intptr_t)f[i].result == (intptr_t)i * i,
                      "after pool_wait_all, task %ld's future is not done "
                      "with its result",
                      i);
    }
    pool_shutdown(&p);
    /* A joined thread has ended, but the kernel may list it a moment
     * longer on a loaded machine: the count is given a second to drop. */
    for (int tries = 0; tries < 200 && threads_now() != before; tries++)
        nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
    ck_assert_msg(threads_now() == before,
                  "after %s and pool_shutdown, the process has %d threads; "
                  "it had %d before pool_init: every worker must have ended "
                  "(joined) when pool_shutdown returns",
                  call, threads_now(), before);
    free(f);
}
END_TEST

/* A future is the caller's once future_wait has returned: it may free it
 * at once, so the worker must be done with it (its lock and condition
 * variable included) before the waiter can see the task done. Under
 * AddressSanitizer a worker that touches it later is a use after free. */
START_TEST(future_is_free_once_waited)
{
    struct pool p;
    long n = KIT_LONG_RUN(20000, 3000);

    memset(runs, 0, sizeof(runs));
    ck_assert_msg(pool_init(&p, 2, 4) == 0,
                  "pool_init(&p, nworkers=2, capacity=4) returned -1; "
                  "expected 0 " STARTER);
    for (long i = 0; i < n; i++) {
        struct future *f = malloc(sizeof(*f));
        if (f == NULL)
            kit_die("out of memory");
        ck_assert_msg(pool_submit(&p, f, square, (void *)(intptr_t)(i % 64)) ==
                          0,
                      "pool_submit into a running pool returned -1");
        intptr_t got = (intptr_t)future_wait(f);
        free(f);
        pool_wait_all(&p); /* while a worker may still hold the pool's lock */
        ck_assert_msg(got == (i % 64) * (i % 64),
                      "future_wait gave %ld for the square of %ld", (long)got,
                      i % 64);
    }
    pool_shutdown(&p);
}
END_TEST

/* A task of a fifth of a millisecond, so that the buffer is still full of
 * tasks when the shutdown comes. */
static void *
slow_square(void *arg)
{
    struct timespec nap = {0, 200 * 1000};

    nanosleep(&nap, NULL);
    return square(arg);
}

/* Tasks submitted just before the shutdown all run: the workers drain the
 * buffer before they end. */
START_TEST(shutdown_runs_what_was_submitted)
{
    enum { TASKS = 200 };
    struct future f[TASKS];
    struct pool p;

    memset(runs, 0, sizeof(runs));
    ck_assert_msg(pool_init(&p, 3, 8) == 0,
                  "pool_init(&p, nworkers=3, capacity=8) returned -1; "
                  "expected 0 " STARTER);
    for (intptr_t i = 0; i < TASKS; i++)
        ck_assert_msg(pool_submit(&p, &f[i], slow_square, (void *)i) == 0,
                      "pool_submit of task %ld into a running pool returned "
                      "-1; expected 0",
                      (long)i);
    pool_shutdown(&p);
    for (int i = 0; i < TASKS; i++) {
        int n = atomic_load(&runs[i]);
        ck_assert_msg(n == 1,
                      "%d tasks submitted, then pool_shutdown at once: task %d "
                      "ran %d times; expected once: a shutdown lets the "
                      "workers run every task submitted before it",
                      TASKS, i, n);
    }
}
END_TEST

/* Submitters racing a close: every task accepted runs once, every task
 * refused never runs, and the count of unfinished tasks ends at zero. */
#define RACERS 4
#define RACE_TASKS 1000

struct racer {
    struct pool *p;
    int id;
    struct future f[RACE_TASKS];
    bool accepted[RACE_TASKS];
};

static void *
racer(void *arg)
{
    struct racer *r = arg;

    for (int i = 0; i < RACE_TASKS; i++)
        r->accepted[i] =
            pool_submit(r->p, &r->f[i], square,
                        (void *)(intptr_t)(r->id * RACE_TASKS + i)) == 0;
    return NULL;
}

START_TEST(submits_racing_a_close)
{
    struct pool p;
    struct racer *r = calloc(RACERS, sizeof(*r));
    pthread_t t[RACERS];

    if (r == NULL)
        kit_die("out of memory");
    memset(runs, 0, sizeof(runs));
    ck_assert_msg(pool_init(&p, 2, 2) == 0,
                  "pool_init(&p, nworkers=2, capacity=2) returned -1; "
                  "expected 0 " STARTER);
    for (int i = 0; i < RACERS; i++) {
        r[i].p = &p;
        r[i].id = i;
        Pthread_create(&t[i], NULL, racer, &r[i]);
    }
    /* Closed while the submitters are at it: the later submits fail. */
    for (int spin = 0; spin < 2000; spin++)
        sched_yield();
    buffer_close(&p.tasks);
    for (int i = 0; i < RACERS; i++)
        Pthread_join(t[i], NULL);
    pool_wait_all(&p);
    for (int i = 0; i < RACERS; i++)
        for (int k = 0; k < RACE_TASKS; k++) {
            int n = atomic_load(&runs[i * RACE_TASKS + k]);
            ck_assert_msg(n == (r[i].accepted[k] ? 1 : 0),
                          "%d threads submitting while the pool's buffer is "
                          "closed: a task whose pool_submit returned %s ran "
                          "%d times; expected %s",
                          RACERS, r[i].accepted[k] ? "0" : "-1", n,
                          r[i].accepted[k] ? "once" : "never");
        }
    ck_assert_msg(p.unfinished == 0,
                  "after pool_wait_all, %ld tasks still counted unfinished; "
                  "expected 0: a refused submit must take back its count",
                  p.unfinished);
    pool_shutdown(&p);
    free(r);
}
END_TEST

/* A mutex held by another thread for a moment: every function that uses
 * it must wait for it, not go on without it (the tests' mutexes are
 * error-checking: an unlock of a mutex this thread does not hold fails). */
struct holder {
    pthread_mutex_t *lock;
    atomic_bool held;
};

static void *
hold_briefly(void *arg)
{
    struct holder *h = arg;
    struct timespec moment = {0, 30 * 1000 * 1000};

    Pthread_mutex_lock(h->lock);
    atomic_store(&h->held, true);
    nanosleep(&moment, NULL);
    Pthread_mutex_unlock(h->lock);
    return NULL;
}

static void
hold_while(pthread_mutex_t *lock, pthread_t *t, struct holder *h)
{
    h->lock = lock;
    atomic_store(&h->held, false);
    Pthread_create(t, NULL, hold_briefly, h);
    while (!atomic_load(&h->held))
        sched_yield();
}

START_TEST(waits_take_their_lock)
{
    struct pool p;
    struct future f;
    struct holder h;
    pthread_t t;

    ck_assert_msg(pool_init(&p, 2, 4) == 0,
                  "pool_init(&p, nworkers=2, capacity=4) returned -1; "
                  "expected 0 " STARTER);
    ck_assert_msg(pool_submit(&p, &f, square, (void *)3) == 0,
                  "pool_submit into a running pool returned -1");
    ck_assert_msg((intptr_t)future_wait(&f) == 9, "future_wait gave the "
                                                  "wrong square");
    /* Each call below must wait for the lock another thread holds. */
    hold_while(&f.lock, &t, &h);
    ck_assert_msg((intptr_t)future_wait(&f) == 9,
                  "future_wait gave the wrong square");
    Pthread_join(t, NULL);
    hold_while(&p.lock, &t, &h);
    pool_wait_all(&p);
    Pthread_join(t, NULL);
    buffer_close(&p.tasks);
    hold_while(&p.lock, &t, &h);
    ck_assert_msg(pool_submit(&p, &f, square, (void *)4) == -1,
                  "pool_submit into a pool whose buffer of tasks is closed "
                  "returned 0; expected -1");
    Pthread_join(t, NULL);
    pool_shutdown(&p);
}
END_TEST

START_TEST(pool_refuses_bad_sizes_and_late_tasks)
{
    struct pool p;
    struct future f;

    ck_assert_msg(pool_init(&p, 0, 4) == -1,
                  "pool_init(&p, nworkers=0, ...) returned 0; expected -1");
    ck_assert_msg(pool_init(&p, 2, 0) == -1,
                  "pool_init(&p, ..., capacity=0) returned 0; expected -1");
    ck_assert_msg(pool_init(&p, 2, 4) == 0,
                  "pool_init(&p, nworkers=2, capacity=4) returned -1; "
                  "expected 0 " STARTER);
    /* Shut down, but the struct kept: a late submit must fail, not run. */
    buffer_close(&p.tasks);
    ck_assert_msg(pool_submit(&p, &f, square, (void *)1) == -1,
                  "pool_submit into a pool whose buffer of tasks is closed "
                  "returned 0; expected -1");
    pool_shutdown(&p);
}
END_TEST

/* ---- the barrier ---- */

#define ROUNDS KIT_LONG_RUN(2000, 300)
#define MAX_PARTIES 8

struct rounds {
    struct barrier b;
    int parties;
    atomic_int arrived[ROUNDS];
    atomic_int lasts[ROUNDS];
    atomic_long early; /* threads that went on before their round was full */
    /* A relaxation of x: each step, x[i] becomes the mean of its
     * neighbours, each thread doing its share; the barrier keeps a step's
     * reads apart from the next step's writes. */
    double x[2][64];
};

struct member {
    struct rounds *r;
    int id;
};

static void *
member(void *arg)
{
    struct member *m = arg;
    struct rounds *r = m->r;

    for (int round = 0; round < ROUNDS; round++) {
        double *from = r->x[round % 2], *to = r->x[(round + 1) % 2];
        for (int i = m->id; i < 64; i += r->parties)
            to[i] = (from[(i + 63) % 64] + from[(i + 1) % 64]) / 2;
        atomic_fetch_add(&r->arrived[round], 1);
        if (barrier_wait(&r->b) == 1)
            atomic_fetch_add(&r->lasts[round], 1);
        if (atomic_load(&r->arrived[round]) != r->parties)
            atomic_fetch_add(&r->early, 1);
    }
    return NULL;
}

START_TEST(barrier_holds_every_round)
{
    int parties = 2 + _i * 3; /* 2, 5, 8 */
    struct rounds *r = calloc(1, sizeof(*r));
    struct member m[MAX_PARTIES];
    pthread_t t[MAX_PARTIES];
    double want[2][64];

    if (r == NULL)
        kit_die("out of memory");
    for (int i = 0; i < 64; i++)
        r->x[0][i] = want[0][i] = i % 7;
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < 64; i++)
            want[(round + 1) % 2][i] = (want[round % 2][(i + 63) % 64] +
                                        want[round % 2][(i + 1) % 64]) /
                                       2;
    r->parties = parties;
    ck_assert_msg(barrier_init(&r->b, parties) == 0,
                  "barrier_init(&b, parties=%d) returned -1; expected 0 (-1 "
                  "is what the starter returns: not written yet?)",
                  parties);
    for (int i = 0; i < parties; i++) {
        m[i] = (struct member){.r = r, .id = i};
        Pthread_create(&t[i], NULL, member, &m[i]);
    }
    for (int i = 0; i < parties; i++)
        Pthread_join(t[i], NULL);
    barrier_destroy(&r->b);
    ck_assert_msg(atomic_load(&r->early) == 0,
                  "%d threads, %d rounds through one barrier: %ld times a "
                  "thread went on before every thread of its round had "
                  "arrived. A waiter must wait for the round to change (the "
                  "generation), not for a count that the next round's first "
                  "thread can change back",
                  parties, ROUNDS, atomic_load(&r->early));
    for (int round = 0; round < ROUNDS; round++)
        ck_assert_msg(atomic_load(&r->lasts[round]) == 1,
                      "round %d of %d threads: barrier_wait returned 1 in %d "
                      "threads; expected exactly 1 (the last to arrive)",
                      round, parties, atomic_load(&r->lasts[round]));
    for (int i = 0; i < 64; i++)
        ck_assert_msg(r->x[ROUNDS % 2][i] == want[ROUNDS % 2][i],
                      "the relaxation through the barrier gave x[%d] = %.17g "
                      "after %d rounds; the serial loop gives %.17g",
                      i, r->x[ROUNDS % 2][i], ROUNDS, want[ROUNDS % 2][i]);
    free(r);
}
END_TEST

START_TEST(barrier_of_one_never_waits)
{
    struct barrier b;

    ck_assert_msg(barrier_init(&b, 0) == -1,
                  "barrier_init(&b, parties=0) returned 0; expected -1");
    ck_assert_msg(
        barrier_init(&b, 1) == 0,
        "barrier_init(&b, parties=1) returned -1; expected 0 " STARTER);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(barrier_wait(&b) == 1,
                      "barrier_wait on a barrier of 1 party: expected 1 "
                      "every time (it is always the last to arrive)");
    barrier_destroy(&b);
}
END_TEST

static Suite *
waiting_suite(void)
{
    Suite *s = suite_create("05-waiting");
    TCase *buffer = tcase_create("buffer");
    TCase *spurious = tcase_create("spurious wakeups");
    TCase *pool = tcase_create("pool");
    TCase *barrier = tcase_create("barrier");

    tcase_add_test(buffer, buffer_refuses_no_capacity);
    tcase_add_test(buffer, buffer_is_first_in_first_out);
    tcase_add_test(buffer, closed_buffer_refuses_puts_and_drains);
    tcase_add_test(buffer, close_wakes_a_waiting_get);
    tcase_add_loop_test(buffer, many_producers_and_consumers, 0,
                        COUNT(stresses));
    tcase_add_loop_test(spurious, spurious_wakeups_change_nothing, 0,
                        COUNT(stresses));
    tcase_add_loop_test(pool, pool_runs_every_task_once, 0,
                        COUNT(pool_sizes) * COUNT(pool_capacities));
    tcase_add_test(pool, shutdown_runs_what_was_submitted);
    tcase_add_test(pool, future_is_free_once_waited);
    tcase_add_test(pool, submits_racing_a_close);
    tcase_add_test(pool, waits_take_their_lock);
    tcase_add_test(pool, pool_refuses_bad_sizes_and_late_tasks);
    tcase_add_loop_test(barrier, barrier_holds_every_round, 0, 3);
    tcase_add_test(barrier, barrier_of_one_never_waits);
    suite_add_tcase(s, buffer);
    suite_add_tcase(s, spurious);
    suite_add_tcase(s, pool);
    suite_add_tcase(s, barrier);
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    kit_sanitizer_options_forget();
    runner = srunner_create(waiting_suite());
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
