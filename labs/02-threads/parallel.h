/* SPDX-License-Identifier: MIT */
/**
 * @file parallel.h
 * @brief Lab 02 "Threads: divide and conquer": the functions you write in
 * parallel.c.
 *
 * Two kernels, each split among threads: integrate() is compute-bound (a
 * division per step, no memory read), dot() is memory-bound (two loads from
 * large arrays per multiply-add). Each must give the result of its serial
 * reference in serial.h, to within the reordering bound of the sum (the
 * most that adding the same terms in another order can change it:
 * kit_bench_sum_bound() in kit_bench.h), for every number of threads,
 * including more threads than there is work. Every slice or element is
 * computed once: the tests' integrands show one skipped or merged.
 *
 * Both functions create their threads and join them all before they return,
 * so no thread outlives the call. With `nthreads` = P, create either P
 * threads, or P - 1 while the calling thread computes one share itself; the
 * tests accept both and nothing else.
 */
#ifndef PARALLEL_H
#define PARALLEL_H

/**
 * The integral of @p f over [@p a, @p b] by the midpoint rule with @p n
 * slices, computed by @p nthreads threads: with `h = (b - a) / n`, the sum of
 * `f(a + (i + 0.5) * h)` for i = 0, ..., n - 1, times h. integrate_serial()
 * computes the same sum in one thread.
 *
 * @param f        the integrand; safe to call from several threads at once
 * @param a        left end of the interval
 * @param b        right end of the interval
 * @param n        number of slices, at least 1
 * @param nthreads number of threads to compute with, at least 1; it may be
 *                 larger than @p n
 * @return the approximate integral: integrate_serial(f, a, b, n), up to
 *         the order of the additions
 */
double integrate(double (*f)(double), double a, double b, long n, int nthreads);

/**
 * The dot product of @p x and @p y, the sum of `x[i] * y[i]` for
 * i = 0, ..., n - 1, computed by @p nthreads threads.
 *
 * @param x        first vector, @p n elements; read only
 * @param y        second vector, @p n elements; read only
 * @param n        number of elements, at least 1
 * @param nthreads number of threads to compute with, at least 1; it may be
 *                 larger than @p n
 * @return the dot product: dot_serial(x, y, n), up to the order of the
 *         additions
 */
double dot(const double *x, const double *y, long n, int nthreads);

#endif
