/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the record a lab's bench program hands the
 * grader after a timed run (kit_bench.h), through a channel of its own.
 * Exactly one well-formed record, about the run the grader asked for, or
 * the run does not count: anything else means that something besides the
 * harness wrote to the channel, or that the harness never got to. */
#ifndef GRADER_KINDS_BENCH_RECORD_H
#define GRADER_KINDS_BENCH_RECORD_H

#include "kit_bench.h"

#include <stddef.h>
#include <stdint.h>

struct bench_record {
    char kernel[64], variant[16];
    long threads, n, reps;
    uint64_t seed;
    long long wall_ns, cpu_ns; /* of the timed calls only, all repetitions */
    double bound; /* the serial reference's reordering bound (relative) */
    double results[KIT_BENCH_MAX_REPS]; /* one per repetition */
    long nresults;
};

/* Parse what the channel held (`len` bytes): one record line, nothing
 * before or after it. Returns 0, or -1 with what is wrong with it in
 * `why`. */
int bench_record_parse(const char *text, size_t len, struct bench_record *rec,
                       char *why, size_t whylen);

/* Whether `rec` is the record of the run asked for: its kernel, variant,
 * threads, size, repetitions and seed, one result per repetition. Returns
 * 0, or -1 with the first difference in `why`. */
int bench_record_check(const struct bench_record *rec, const char *kernel,
                       const char *variant, long threads, long n, long reps,
                       uint64_t seed, char *why, size_t whylen);

#endif
