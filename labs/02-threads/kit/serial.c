/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": the kit's serial references and the
 * integrand. Kit-owned: bench and the grader measure your speedup against
 * this code, built with the same flags as yours. */
#include "serial.h"
#include "kit_rng.h"

#include <math.h>

double
pi_integrand(double x)
{
    return 4.0 / (1.0 + x * x);
}

/* The checked integrand's interval, slices and salt, read by every thread
 * at once while integrate() runs: set before, never during. */
static struct {
    double a, scale; /* slice index of x: floor((x - a) * scale) */
    uint64_t salt;
} checked;

void
checked_integrand_set(double a, double b, long n, uint64_t salt)
{
    checked.a = a;
    checked.scale = (double)n / (b - a);
    checked.salt = salt;
}

double
checked_integrand(double x)
{
    /* The midpoint of slice i is at (i + 0.5) slices from a: its floor is
     * i, safely away from a rounding to the next slice. */
    double slice = floor((x - checked.a) * checked.scale);

    return 4.0 / (1.0 + x * x) +
           kit_sign_of((uint64_t)(long)slice, checked.salt);
}

double
integrate_serial(double (*f)(double), double a, double b, long n)
{
    double h = (b - a) / (double)n;
    double sum = 0.0;

    /* Each midpoint is computed from its index, not by adding h again and
     * again: n additions of a rounded h would drift from the true point. */
    for (long i = 0; i < n; i++)
        sum += f(a + ((double)i + 0.5) * h);
    return sum * h;
}

double
dot_serial(const double *x, const double *y, long n)
{
    double sum = 0.0;

    for (long i = 0; i < n; i++)
        sum += x[i] * y[i];
    return sum;
}
