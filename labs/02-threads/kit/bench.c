/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": the bench program. For each kernel
 * it times the kit's serial reference and your parallel version on the same
 * input, checks your result against the serial one, and only then prints
 * the speedup; the grader runs it one variant at a time (-v), the serial
 * reference from its reference build, which holds none of your code.
 * integrate integrates the checked integrand (serial.h), whose coins show
 * a slice skipped or merged. Kit-owned: nothing to edit here. */
#include "kit_bench.h"
#include "kit_pthread.h"
#include "kit_rng.h"
#include "parallel.h"
#include "serial.h"

#include <stdlib.h>

/* integrate's input: the interval, and the salt of the checked
 * integrand's coins. */
struct interval {
    double a, b;
    uint64_t salt;
};

/* dot's input: two vectors of n elements and a little more, and where in
 * them this repetition's n elements start. */
struct vectors {
    double *x, *y;
    long x_at, y_at;
};

/* The elements beyond n that each vector has: a repetition takes its n
 * from a window that starts anywhere in the first SLACK, so each one's dot
 * product is a new one without making the vectors anew. */
#define SLACK (1L << 16)

/* The interval and the coins come from the seed, [a, b] with a in (-1, 0]
 * and b in [1, 2), so that each repetition of the grader's runs asks for a
 * new integral and a result cannot be remembered from an earlier one. */
static void
integrate_vary(void *input, long n, uint64_t seed)
{
    struct interval *in = input;
    struct kit_rng rng;

    (void)n;
    kit_rng_seed(&rng, seed, 0);
    in->a = -kit_rng_double(&rng);
    in->b = 1.0 + kit_rng_double(&rng);
    in->salt = kit_rng_next(&rng);
}

static void *
integrate_setup(long n, uint64_t seed)
{
    struct interval *in = malloc(sizeof(*in));

    if (in == NULL)
        kit_die("out of memory");
    integrate_vary(in, n, seed);
    return in;
}

static double
integrate_serial_kernel(void *input, long n)
{
    const struct interval *in = input;

    checked_integrand_set(in->a, in->b, n, in->salt);
    return integrate_serial(checked_integrand, in->a, in->b, n);
}

/* The checked integrand is at most 5 in magnitude: its terms f(x) * h add
 * up to at most 5 (b - a) in absolute value. */
static double
integrate_bound(const void *input, long n, double result)
{
    const struct interval *in = input;

    return kit_bench_sum_bound(n, 5.0 * (in->b - in->a), result);
}

/* Values in [0, 1): every product is positive, so the sum has no
 * cancellation and its terms add up to the sum itself in absolute value. */
static void *
dot_setup(long n, uint64_t seed)
{
    struct vectors *v = malloc(sizeof(*v));
    struct kit_rng rng;

    if (v == NULL)
        kit_die("out of memory");
    v->x = malloc((size_t)(n + SLACK) * sizeof(double));
    v->y = malloc((size_t)(n + SLACK) * sizeof(double));
    if (v->x == NULL || v->y == NULL)
        kit_die("out of memory for two vectors of %ld doubles", n);
    kit_rng_seed(&rng, seed, 0);
    for (long i = 0; i < n + SLACK; i++)
        v->x[i] = kit_rng_double(&rng);
    kit_rng_seed(&rng, seed, 1);
    for (long i = 0; i < n + SLACK; i++)
        v->y[i] = kit_rng_double(&rng);
    v->x_at = v->y_at = 0;
    return v;
}

static void
dot_vary(void *input, long n, uint64_t seed)
{
    struct vectors *v = input;
    struct kit_rng rng;

    (void)n;
    kit_rng_seed(&rng, seed, 2);
    v->x_at = (long)kit_rng_below(&rng, SLACK);
    v->y_at = (long)kit_rng_below(&rng, SLACK);
}

static double
dot_serial_kernel(void *input, long n)
{
    const struct vectors *v = input;

    return dot_serial(v->x + v->x_at, v->y + v->y_at, n);
}

static double
dot_bound(const void *input, long n, double result)
{
    (void)input;
    return kit_bench_sum_bound(n, result, result);
}

static void
dot_teardown(void *input)
{
    struct vectors *v = input;

    free(v->x);
    free(v->y);
    free(v);
}

/* Your side: the calls into parallel.c, left out of the kit's reference
 * build (kit_bench.h). */
#ifndef KIT_REFERENCE
static double
integrate_parallel_kernel(void *input, long n, int threads)
{
    const struct interval *in = input;

    checked_integrand_set(in->a, in->b, n, in->salt);
    return integrate(checked_integrand, in->a, in->b, n, threads);
}

static double
dot_parallel_kernel(void *input, long n, int threads)
{
    const struct vectors *v = input;

    return dot(v->x + v->x_at, v->y + v->y_at, n, threads);
}
#endif

/* Default sizes. integrate's serial run takes about 250 ms on a current
 * core, long enough to time well. dot's size is set by memory, not time:
 * its two vectors take 16 bytes per element, 640 MB in all, far beyond any
 * L3 cache, so every run streams them from memory; that takes only a few
 * tens of milliseconds, so time it over several runs (-r). */
static const struct kit_bench_kernel kernels[] = {
    {
        .name = "integrate",
        .summary = "midpoint rule, n slices (compute-bound)",
        .default_size = 12000000,
        .bound = integrate_bound,
        .setup = integrate_setup,
        .vary = integrate_vary,
        .serial = integrate_serial_kernel,
        .parallel = KIT_PARALLEL(integrate_parallel_kernel),
        .teardown = free,
    },
    {
        .name = "dot",
        .summary = "dot product of two n-vectors (memory-bound)",
        .default_size = 40000000,
        .bound = dot_bound,
        .setup = dot_setup,
        .vary = dot_vary,
        .serial = dot_serial_kernel,
        .parallel = KIT_PARALLEL(dot_parallel_kernel),
        .teardown = dot_teardown,
    },
};

int
main(int argc, char **argv)
{
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of your integrate() and dot() over the kit's "
                   "serial code.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
    };

    return kit_bench_main(&bench, argc, argv);
}
