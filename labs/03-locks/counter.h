/* SPDX-License-Identifier: MIT */
/**
 * @file counter.h
 * @brief Lab 03 "Races and locks": one shared counter, counted four ways.
 *
 * Each function starts @p nthreads threads; each thread adds 1 to a count
 * shared by all of them, @p per_thread times; the function joins every
 * thread and returns the count. The right answer is always
 * `per_thread * nthreads`. The kit's counter_racy() (kit/racy.h) adds
 * without any synchronisation and loses updates; these three are yours, in
 * counter.c, and must never lose one:
 *
 * - counter_mutex() takes a mutex around each increment;
 * - counter_atomic() increments a C11 atomic;
 * - counter_local() lets each thread count in a variable of its own and adds
 *   the threads' counts once they are done.
 *
 * With `nthreads` = P, create either P threads, or P - 1 while the calling
 * thread counts one share itself. Every thread is joined before the function
 * returns. The `race` program times the four against each other.
 */
#ifndef COUNTER_H
#define COUNTER_H

/**
 * The count, with a pthread mutex taken around each single increment: lock,
 * add 1, unlock, `per_thread` times in each thread.
 *
 * @param per_thread increments each thread makes, at least 0
 * @param nthreads   threads that increment at once, at least 1; may be many
 *                   more than the CPUs
 * @return exactly `per_thread * nthreads`
 */
long counter_mutex(long per_thread, int nthreads);

/**
 * The count, each increment one atomic read-modify-write on a shared
 * `atomic_long` (`atomic_fetch_add_explicit`), without a mutex.
 *
 * @param per_thread increments each thread makes, at least 0
 * @param nthreads   threads that increment at once, at least 1
 * @return exactly `per_thread * nthreads`
 */
long counter_atomic(long per_thread, int nthreads);

/**
 * The count, each thread incrementing a count of its own `per_thread` times,
 * the threads' counts added up once each thread is done (after its join, or
 * once per thread under a lock): at most one synchronised operation per
 * thread, none per increment.
 *
 * @param per_thread increments each thread makes, at least 0
 * @param nthreads   threads that increment at once, at least 1
 * @return exactly `per_thread * nthreads`
 */
long counter_local(long per_thread, int nthreads);

#endif
