/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": the bench program. For each kernel
 * it times the kit's serial reference and your parallel version on the same
 * input, checks your result against the serial one, and only then prints
 * the speedup; the grader runs it one variant at a time (-v). Kit-owned:
 * nothing to edit here. */
#include "kit_bench.h"
#include "kit_pthread.h"
#include "kit_rng.h"
#include "parallel.h"
#include "serial.h"

#include <stdlib.h>

/* integrate's input: the interval. */
struct interval {
    double a, b;
};

/* dot's input: two vectors of n elements. */
struct vectors {
    double *x, *y;
};

/* The interval comes from the seed, [a, b] with a in (-1, 0] and b in
 * [1, 2), so that each of the grader's runs asks for a new integral and a
 * result cannot be remembered from an earlier run. */
static void *
integrate_setup(long n, uint64_t seed)
{
    struct interval *in = malloc(sizeof(*in));
    struct kit_rng rng;

    (void)n;
    if (in == NULL)
        kit_die("out of memory");
    kit_rng_seed(&rng, seed, 0);
    in->a = -kit_rng_double(&rng);
    in->b = 1.0 + kit_rng_double(&rng);
    return in;
}

static double
integrate_serial_kernel(void *input, long n)
{
    const struct interval *in = input;

    return integrate_serial(pi_integrand, in->a, in->b, n);
}

static double
integrate_parallel_kernel(void *input, long n, int threads)
{
    const struct interval *in = input;

    return integrate(pi_integrand, in->a, in->b, n, threads);
}

/* Values in [0, 1): every product is positive, so the sum has no
 * cancellation and a relative tolerance stays meaningful. */
static void *
dot_setup(long n, uint64_t seed)
{
    struct vectors *v = malloc(sizeof(*v));
    struct kit_rng rng;

    if (v == NULL)
        kit_die("out of memory");
    v->x = malloc((size_t)n * sizeof(double));
    v->y = malloc((size_t)n * sizeof(double));
    if (v->x == NULL || v->y == NULL)
        kit_die("out of memory for two vectors of %ld doubles", n);
    kit_rng_seed(&rng, seed, 0);
    for (long i = 0; i < n; i++)
        v->x[i] = kit_rng_double(&rng);
    kit_rng_seed(&rng, seed, 1);
    for (long i = 0; i < n; i++)
        v->y[i] = kit_rng_double(&rng);
    return v;
}

static double
dot_serial_kernel(void *input, long n)
{
    const struct vectors *v = input;

    return dot_serial(v->x, v->y, n);
}

static double
dot_parallel_kernel(void *input, long n, int threads)
{
    const struct vectors *v = input;

    return dot(v->x, v->y, n, threads);
}

static void
dot_teardown(void *input)
{
    struct vectors *v = input;

    free(v->x);
    free(v->y);
    free(v);
}

/* Default sizes. integrate's serial run takes about 200 ms on a current
 * core, long enough to time well. dot's size is set by memory, not time:
 * its two vectors take 16 bytes per element, 640 MB in all, far beyond any
 * L3 cache, so every run streams them from memory; that takes only a few
 * tens of milliseconds, so time it over several runs (-r). */
static const struct kit_bench_kernel kernels[] = {
    {
        .name = "integrate",
        .summary = "midpoint rule, n slices (compute-bound)",
        .default_size = 60000000,
        .tolerance = 1e-9,
        .setup = integrate_setup,
        .serial = integrate_serial_kernel,
        .parallel = integrate_parallel_kernel,
        .teardown = free,
    },
    {
        .name = "dot",
        .summary = "dot product of two n-vectors (memory-bound)",
        .default_size = 40000000,
        .tolerance = 1e-9,
        .setup = dot_setup,
        .serial = dot_serial_kernel,
        .parallel = dot_parallel_kernel,
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
