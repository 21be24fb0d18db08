/* SPDX-License-Identifier: MIT */
/**
 * @file serial.h
 * @brief Lab 02 "Threads: divide and conquer": the kit's serial references,
 * which your parallel functions must agree with, and the integrand that
 * bench and the tests integrate.
 *
 * Kit-owned: nothing to edit here. bench times these as the base of your
 * speedup, and the grader does the same with its own copy.
 */
#ifndef SERIAL_H
#define SERIAL_H

#include <stdint.h>

/**
 * The integrand of bench and the tests: 4 / (1 + x * x). Its integral over
 * [0, 1] is pi (4 * atan(1)), so a result is easy to recognise. It reads no
 * memory and keeps no state, so any number of threads may call it at once.
 */
double pi_integrand(double x);

/**
 * The integrand of the kit's timed runs and of the test that every slice is
 * computed: pi_integrand() plus +1 or -1 by the slice the point lies in
 * (a coin of the slice's index, kit_sign_of()). The midpoint rule with the
 * @p n slices asked for adds one coin per slice; fewer slices, merged
 * slices or skipped ones add others, and the result moves by about
 * sqrt(n) times a slice's width, far beyond the rounding of a correct sum.
 * Call checked_integrand_set() first, with the interval and the slices of
 * the integral to come; any number of threads may then call it at once.
 */
double checked_integrand(double x);

/**
 * Set the interval, the number of slices and the coins' salt of
 * checked_integrand(), before the integral, never while one runs.
 * @param a    left end of the interval
 * @param b    right end of the interval, above @p a
 * @param n    number of slices, at least 1
 * @param salt picks the coins: another salt, other coins
 */
void checked_integrand_set(double a, double b, long n, uint64_t salt);

/**
 * The midpoint rule, one slice after another: the sum of
 * `f(a + (i + 0.5) * h)` for i = 0, 1, ..., n - 1, in that order, times
 * `h = (b - a) / n`.
 * @param f the integrand
 * @param a left end of the interval
 * @param b right end of the interval
 * @param n number of slices, at least 1
 * @return the approximate integral of @p f over [@p a, @p b]
 */
double integrate_serial(double (*f)(double), double a, double b, long n);

/**
 * The dot product `x[0] * y[0] + x[1] * y[1] + ... + x[n-1] * y[n-1]`,
 * summed in index order.
 * @param x first vector, @p n elements
 * @param y second vector, @p n elements
 * @param n number of elements, at least 1
 */
double dot_serial(const double *x, const double *y, long n);

#endif
