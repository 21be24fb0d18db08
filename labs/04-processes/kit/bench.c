/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the bench program. For each kernel it times the kit's
 * serial reference and your process-parallel version on the same input,
 * checks your result against the serial one, and only then prints the
 * speedup; the grader runs it one variant at a time (-v). -t is the number
 * of processes. Kit-owned: nothing to edit here. */
#include "kit_bench.h"
#include "kit_rng.h"
#include "processes.h"
#include "serial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The chunks a pool kernel splits the n terms into: enough for the pool to
 * balance them over many workers, few enough that 64 round trips through
 * the pipes cost nothing next to a run of 200 ms. */
#define POOL_CHUNKS 64
/* The last term of the uneven kernels costs about this many times the
 * first. */
#define UNEVEN_SPREAD 64

/* The sum's terms are functions of the index alone, as sum_pipes() wants,
 * so what a term needs beyond its index lives here. The setup sets it in
 * the parent before any fork, and every child reads it from its copy. */
static struct {
    double a, h;        /* term i is at x = a + (i + 0.5) * h */
    long n;             /* number of terms */
    uint64_t salt;      /* the terms' coins (kit_sign_of()) */
    double (*of)(long); /* the term the pool's chunks sum */
} job;

/* 4 / (1 + x^2) at the midpoint of slice i of [a, b], lab 02's integrand,
 * on an interval drawn from the seed, so that each of the grader's runs
 * asks for a new sum; plus the term's coin, +1 or -1, so that a sum that
 * skips or merges terms moves far beyond any rounding. */
static double
term(long i)
{
    double x = job.a + ((double)i + 0.5) * job.h;

    return 4.0 / (1.0 + x * x) + kit_sign_of((uint64_t)i, job.salt);
}

/* Term i evaluated 1 + 64 i / n times over: the cost of a term grows with
 * its index, the second half of the range holds about three quarters of
 * the work, and equal blocks of indices are unequal work. */
static double
uneven_term(long i)
{
    long reps = 1 + UNEVEN_SPREAD * i / job.n;
    double x = job.a + ((double)i + 0.5) * job.h, sum = 0.0;

    for (long k = 0; k < reps; k++) {
        double y = x + (double)k * 1e-9;
        sum += 4.0 / (1.0 + y * y);
    }
    return sum / (double)reps + kit_sign_of((uint64_t)i, job.salt);
}

static void *
setup(long n, uint64_t seed)
{
    struct kit_rng rng;

    kit_rng_seed(&rng, seed, 0);
    job.a = -kit_rng_double(&rng);
    job.h = (1.0 + kit_rng_double(&rng) - job.a) / (double)n;
    job.n = n;
    job.salt = kit_rng_next(&rng);
    return NULL;
}

/* Every term is at most 5 in magnitude (4 and a coin). */
static double
bound(const void *input, long n, double result)
{
    (void)input;
    return kit_bench_sum_bound(n, 5.0 * (double)n, result);
}

static double
even_serial(void *input, long n)
{
    (void)input;
    return sum_serial(term, n);
}

static double
uneven_serial(void *input, long n)
{
    (void)input;
    return sum_serial(uneven_term, n);
}

/* Your side: the calls into processes.c, left out of the kit's reference
 * build (kit_bench.h). */
#ifndef KIT_REFERENCE
/* Chunk c of [0, n): 64 blocks whose sizes differ by at most one. */
static double
chunk_sum(long chunk)
{
    long quotient = job.n / POOL_CHUNKS, remainder = job.n % POOL_CHUNKS;
    long begin = chunk * quotient + (chunk < remainder ? chunk : remainder);
    long end = begin + quotient + (chunk < remainder);
    double sum = 0.0;

    for (long i = begin; i < end; i++)
        sum += job.of(i);
    return sum;
}

/* A failed call is a wrong result: NaN, which no tolerance accepts. */
static double
by_sum(int (*sum)(double (*)(long), long, int, double *), const char *name,
       double (*f)(long), long n, int processes)
{
    double result;

    if (sum(f, n, processes, &result) != 0) {
        fprintf(stderr, "bench: %s failed (returned -1)\n", name);
        return NAN;
    }
    return result;
}

static double
pipes_parallel(void *input, long n, int processes)
{
    (void)input;
    return by_sum(sum_pipes, "sum_pipes", term, n, processes);
}

static double
shared_parallel(void *input, long n, int processes)
{
    (void)input;
    return by_sum(sum_shared, "sum_shared", term, n, processes);
}

static double
uneven_pipes_parallel(void *input, long n, int processes)
{
    (void)input;
    return by_sum(sum_pipes, "sum_pipes", uneven_term, n, processes);
}

/* The sum as 64 chunks mapped by pool_map, added in chunk order. */
static double
by_pool(double (*of)(long), int processes)
{
    long items[POOL_CHUNKS];
    double results[POOL_CHUNKS], total = 0.0;
    struct pool_error err;

    for (long c = 0; c < POOL_CHUNKS; c++)
        items[c] = c;
    job.of = of;
    if (pool_map(chunk_sum, items, POOL_CHUNKS, results, processes, &err) !=
        0) {
        fprintf(stderr, "bench: pool_map failed: %s\n", err.message);
        return NAN;
    }
    for (long c = 0; c < POOL_CHUNKS; c++)
        total += results[c];
    return total;
}

static double
pool_parallel(void *input, long n, int processes)
{
    (void)input;
    (void)n;
    return by_pool(term, processes);
}

static double
uneven_pool_parallel(void *input, long n, int processes)
{
    (void)input;
    (void)n;
    return by_pool(uneven_term, processes);
}
#endif

/* Default sizes: one serial run of each takes about 200 ms on a current
 * core. The uneven terms cost 33 evaluations on average, hence the smaller
 * n. */
static const struct kit_bench_kernel kernels[] = {
    {
        .name = "pipes",
        .summary = "sum of n terms by sum_pipes (compute-bound)",
        .default_size = 30000000,
        .bound = bound,
        .setup = setup,
        .serial = even_serial,
        .parallel = KIT_PARALLEL(pipes_parallel),
    },
    {
        .name = "shared",
        .summary = "the same sum by sum_shared",
        .default_size = 30000000,
        .bound = bound,
        .setup = setup,
        .serial = even_serial,
        .parallel = KIT_PARALLEL(shared_parallel),
    },
    {
        .name = "pool",
        .summary = "the same sum as 64 chunks through pool_map",
        .default_size = 30000000,
        .bound = bound,
        .setup = setup,
        .serial = even_serial,
        .parallel = KIT_PARALLEL(pool_parallel),
    },
    {
        .name = "uneven-pipes",
        .summary = "terms that grow costlier with i, by sum_pipes",
        .default_size = 3000000,
        .bound = bound,
        .setup = setup,
        .serial = uneven_serial,
        .parallel = KIT_PARALLEL(uneven_pipes_parallel),
    },
    {
        .name = "uneven-pool",
        .summary = "the same uneven sum as 64 chunks through pool_map",
        .default_size = 3000000,
        .bound = bound,
        .setup = setup,
        .serial = uneven_serial,
        .parallel = KIT_PARALLEL(uneven_pool_parallel),
    },
};

int
main(int argc, char **argv)
{
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of your process-parallel sums over the kit's "
                   "serial code; -t is the number of processes.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
    };

    return kit_bench_main(&bench, argc, argv);
}
