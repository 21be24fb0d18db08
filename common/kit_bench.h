/* SPDX-License-Identifier: MIT */
/**
 * @file kit_bench.h
 * @brief The bench harness each lab's `bench` program is built on.
 *
 * A lab lists its kernels (a kit-owned serial reference and the student's
 * parallel version of each) and calls kit_bench_main(). The program then
 * works two ways:
 *
 * - for a student, `bench -k NAME -t 4` runs the serial reference and the
 *   parallel version on the same input, checks the parallel result against
 *   the serial one, and only then prints the speedup:
 *   `[integrate] serial 812.4 ms | 4 threads 211.9 ms | speedup 3.83x | ...`
 * - for the grader, `bench -v serial|parallel|calibrate ...` times one
 *   variant once (after building the input, which is not timed) and prints a
 *   single line of `key=value` fields starting with `bench:`, the result as
 *   a hexadecimal float so that it crosses processes exactly.
 */
#ifndef KIT_BENCH_H
#define KIT_BENCH_H

#include <stddef.h>
#include <stdint.h>

/** One kernel of a lab: its input, its serial reference, its parallel form. */
struct kit_bench_kernel {
    const char *name;    /**< what -k selects, e.g. "integrate" */
    const char *summary; /**< one line for the usage text */
    long default_size;   /**< -n default for this kernel */
    /** Largest relative difference from the serial result that counts as
     * correct (floating-point sums in another order differ in their last
     * bits); 0 demands equality. */
    double tolerance;
    /** Build the input of size @p n from @p seed; not timed. May be NULL. */
    void *(*setup)(long n, uint64_t seed);
    /** The kit's serial reference. */
    double (*serial)(void *input, long n);
    /** The student's parallel version on @p threads threads. */
    double (*parallel)(void *input, long n, int threads);
    /** Free what setup made. May be NULL. */
    void (*teardown)(void *input);
};

/** A lab's bench program: its name and its kernels. */
struct kit_bench {
    const char *program;                    /**< e.g. "bench" */
    const char *summary;                    /**< one line for the usage text */
    const struct kit_bench_kernel *kernels; /**< the lab's kernels */
    size_t nkernels;                        /**< how many */
};

/**
 * The whole program: parse the command line, run, print.
 * @return the exit status for main(): 0, 1 when a result was wrong, 2 on bad
 *         input
 */
int kit_bench_main(const struct kit_bench *bench, int argc, char **argv);

/**
 * Relative difference of @p got from @p want (absolute when @p want is 0);
 * how the harness and the grader compare results.
 */
double kit_bench_rel_error(double got, double want);

#endif
