/* SPDX-License-Identifier: MIT */
/**
 * @file waiting.h
 * @brief Lab 05 "Waiting without spinning": the bounded buffer, the thread
 * pool and the barrier you write in waiting.c.
 *
 * Three ways for threads to wait for each other, each built from one mutex
 * and condition variables, and none of them spinning: a thread that cannot
 * go on sleeps in pthread_cond_wait until another thread changes what it
 * waits for. Every wait is in a loop over its condition: a wait may return
 * without a signal (a spurious wakeup), or after another thread has taken
 * what the signal announced (a stolen wakeup), and the tests make both
 * happen.
 *
 * The structures are declared here so that callers can allocate them; the
 * fields are yours to use as the comments say. Keep them, and keep what
 * each comment says it holds: the tests read some of them (a future's done
 * and result, a pool's unfinished count) and use some (a pool's buffer of
 * tasks, closed to make a submit fail; a lock held a moment by another
 * thread, to see that your code waits for it).
 */
#ifndef WAITING_H
#define WAITING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/**
 * A bounded buffer (Python's queue.Queue(maxsize)): a ring of `capacity`
 * pointers. Any number of threads put and get at once.
 */
struct buffer {
    pthread_mutex_t lock;     /**< guards every field below */
    pthread_cond_t not_full;  /**< a put waits here while count == capacity */
    pthread_cond_t not_empty; /**< a get waits here while count == 0 */
    void **items;             /**< the ring, `capacity` slots */
    size_t capacity;          /**< slots in the ring, at least 1 */
    size_t head;              /**< the slot of the oldest item */
    size_t count;             /**< items in the buffer */
    bool closed;              /**< buffer_close() was called */
};

/**
 * An empty buffer of @p capacity slots.
 * @return 0, or -1 when @p capacity is 0 or memory runs out
 */
int buffer_init(struct buffer *b, size_t capacity);

/** Free what buffer_init() took. No thread may be using the buffer. */
void buffer_destroy(struct buffer *b);

/**
 * Add @p item at the end, waiting while the buffer is full.
 * @return 0 when the item was added; -1 when the buffer is closed (before
 *         the call or while it waited): the item was not added
 */
int buffer_put(struct buffer *b, void *item);

/**
 * Take the oldest item into @p *item, waiting while the buffer is empty.
 * Items come out in the order they went in.
 * @return 0 with an item; -1 when the buffer is closed and empty: every
 *         item put before the close has been taken
 */
int buffer_get(struct buffer *b, void **item);

/**
 * Close the buffer: every put, waiting or to come, fails; gets take what is
 * left and then fail. Wakes every thread waiting in the buffer. Closing
 * twice is closing once.
 */
void buffer_close(struct buffer *b);

/**
 * One task's result (concurrent.futures.Future): filled in by the worker
 * that ran the task, waited for by whoever needs the result. The caller
 * allocates it and keeps it until future_wait() has returned.
 */
struct future {
    pthread_mutex_t lock; /**< guards done and result */
    pthread_cond_t ready; /**< future_wait() waits here until done */
    void *(*fn)(void *);  /**< the task */
    void *arg;            /**< its argument */
    void *result;         /**< what fn(arg) returned, once done */
    bool done;            /**< the task has run */
};

/**
 * A pool of a fixed number of worker threads
 * (concurrent.futures.ThreadPoolExecutor(max_workers)), fed through a
 * bounded buffer of tasks.
 */
struct pool {
    struct buffer tasks;     /**< the futures submitted and not yet taken */
    pthread_t *workers;      /**< the worker threads */
    int nworkers;            /**< how many */
    pthread_mutex_t lock;    /**< guards unfinished */
    pthread_cond_t all_done; /**< pool_wait_all() waits here */
    long unfinished;         /**< tasks submitted and not yet run to end */
};

/**
 * Start @p nworkers threads that take tasks from a buffer of @p capacity
 * slots, run them and fill in their futures.
 * @return 0, or -1 when @p nworkers or @p capacity is below 1, or a thread
 *         could not be created (then no thread is left running)
 */
int pool_init(struct pool *p, int nworkers, size_t capacity);

/**
 * Hand fn(arg) to the pool, its result to come in @p f; waits while the
 * buffer of tasks is full.
 * @return 0, or -1 when the pool is shut down (the task will not run)
 */
int pool_submit(struct pool *p, struct future *f, void *(*fn)(void *),
                void *arg);

/** Wait until @p f's task has run, and return what it returned. */
void *future_wait(struct future *f);

/** Wait until every task submitted so far has run. */
void pool_wait_all(struct pool *p);

/**
 * Stop taking tasks, let the workers run every task submitted before, wait
 * for every worker to end, and free what pool_init() took. After it no
 * thread of the pool is left, and every task submitted before the call has
 * run exactly once.
 */
void pool_shutdown(struct pool *p);

/**
 * A reusable barrier for @p parties threads (threading.Barrier), made of a
 * mutex and a condition variable: the threads that call barrier_wait() wait
 * until all @p parties have called it, then all go on, and the barrier is
 * ready for the next round at once.
 */
struct barrier {
    pthread_mutex_t lock;     /**< guards the fields below */
    pthread_cond_t next;      /**< the waiters of a round wait here */
    int parties;              /**< threads per round */
    int arrived;              /**< threads of this round so far */
    unsigned long generation; /**< rounds completed: a waiter waits for
                                   it to change, not for arrived to drop */
};

/** @return 0, or -1 when @p parties is below 1 */
int barrier_init(struct barrier *b, int parties);

/** Free what barrier_init() took. No thread may be waiting. */
void barrier_destroy(struct barrier *b);

/**
 * Wait until all parties of this round have arrived.
 * @return 1 in exactly one thread of each round (the last to arrive), 0 in
 *         the others
 */
int barrier_wait(struct barrier *b);

#endif
