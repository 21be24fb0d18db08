/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": the one file you edit. parallel.h
 * says what each function must return; tests/check_parallel.c shows how
 * each is checked; bench measures your speedup against serial.c. */
#include "parallel.h"

#include "kit_pthread.h" /* Pthread_create, Pthread_join: checked calls */

#include <stdlib.h>

double
integrate(double (*f)(double), double a, double b, long n, int nthreads)
{
    /* TODO(student): split the n slices of [a, b] among nthreads threads,
     * let each sum f over its share, and combine the partial sums. Every
     * thread is joined before the function returns. The result must match
     * integrate_serial() to within 1e-9 relative error, for any n >= 1 and
     * any nthreads >= 1, even more threads than slices. */
    (void)f;
    (void)a;
    (void)b;
    (void)n;
    (void)nthreads;
    return 0.0;
}

double
dot(const double *x, const double *y, long n, int nthreads)
{
    /* TODO(student): split the n elements among nthreads threads, let each
     * compute the dot product of its share, and combine the partial sums.
     * Every thread is joined before the function returns. The result must
     * match dot_serial() to within 1e-9 relative error, for any n >= 1 and
     * any nthreads >= 1. */
    (void)x;
    (void)y;
    (void)n;
    (void)nthreads;
    return 0.0;
}
