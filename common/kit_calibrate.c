/* SPDX-License-Identifier: MIT */
/* libkit: the calibration kernels the grader's speedup verdicts rest on. */
#include "kit_calibrate.h"
#include "kit_pthread.h"
#include "kit_rng.h"

#include <stdlib.h>
#include <string.h>

/* Each worker's arguments and result, on a cache line of its own so that
 * workers never write to a line another one writes: the kernel must have
 * no sharing at all to be "perfectly parallel". */
struct share {
    _Alignas(64) pthread_t tid;
    enum kit_calibration kind;
    const double *data;
    long n; /* elements of each of the two arrays in data */
    long begin, end;
    double result;
};

static void *
work(void *arg)
{
    struct share *s = arg;

    if (s->kind == KIT_CALIBRATION_COMPUTE) {
        /* Dependent multiply-adds: as fast as one core computes, no memory. */
        uint64_t x = (uint64_t)s->begin | 1;
        for (long i = s->begin; i < s->end; i++)
            x = x * 6364136223846793005u + 1442695040888963407u;
        s->result = (double)(x >> 11);
    } else {
        /* A dot product of two arrays far larger than the caches, written
         * the plain way students and serial references write it: one
         * multiply-add and 16 bytes loaded per element. It is the same kind
         * of loop as the labs' memory-bound kernels, so it scales as they
         * can, until memory bandwidth runs out. */
        const double *x = s->data, *y = s->data + s->n;
        double sum = 0;
        for (long i = s->begin; i < s->end; i++)
            sum += x[i] * y[i];
        s->result = sum;
    }
    return NULL;
}

bool
kit_calibration_parse(const char *name, enum kit_calibration *out)
{
    if (strcmp(name, "compute") == 0)
        *out = KIT_CALIBRATION_COMPUTE;
    else if (strcmp(name, "memory") == 0)
        *out = KIT_CALIBRATION_MEMORY;
    else
        return false;
    return true;
}

const char *
kit_calibration_name(enum kit_calibration kind)
{
    return kind == KIT_CALIBRATION_COMPUTE ? "compute" : "memory";
}

void *
kit_calibration_setup(enum kit_calibration kind, long n, uint64_t seed)
{
    struct kit_rng rng;
    double *data;

    if (kind == KIT_CALIBRATION_COMPUTE)
        return NULL;
    /* Two arrays of n, one after the other. */
    data = malloc(2 * (size_t)n * sizeof(*data));
    if (data == NULL)
        kit_die("out of memory for %ld doubles", 2 * n);
    kit_rng_seed(&rng, seed, 0);
    for (long i = 0; i < 2 * n; i++)
        data[i] = kit_rng_double(&rng);
    return data;
}

double
kit_calibration_run(enum kit_calibration kind, void *input, long n, int threads)
{
    /* aligned_alloc, not calloc: the shares are cache-line aligned, and
     * malloc only promises 16 bytes. sizeof is a multiple of 64, as C11's
     * aligned_alloc requires. */
    struct share *shares = aligned_alloc(_Alignof(struct share),
                                         (size_t)threads * sizeof(*shares));
    double sum = 0;

    if (shares == NULL)
        kit_die("out of memory for %d threads", threads);
    memset(shares, 0, (size_t)threads * sizeof(*shares));
    for (int t = 0; t < threads; t++) {
        shares[t].kind = kind;
        shares[t].data = input;
        shares[t].n = n;
        shares[t].begin = n / threads * t + (t < n % threads ? t : n % threads);
        shares[t].end = shares[t].begin + n / threads + (t < n % threads);
        Pthread_create(&shares[t].tid, NULL, work, &shares[t]);
    }
    for (int t = 0; t < threads; t++) {
        Pthread_join(shares[t].tid, NULL);
        sum += shares[t].result;
    }
    free(shares);
    return sum;
}

void
kit_calibration_teardown(void *input)
{
    free(input);
}
