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
 * - for the grader, `bench -v serial|parallel|calibrate|startup ...` times one
 *   variant over -r repetitions, each on an input of its own (made before
 *   it is timed), and hands the grader one record: a line of `key=value`
 *   fields starting with `bench:`, each repetition's result as a
 *   hexadecimal float so that it crosses processes exactly. The record goes
 *   where kit_record.h says: a pipe only the grader reads, so that nothing
 *   the student's code prints can pass for it.
 *
 * The kit times the serial reference and the calibration with the lab's
 * reference build of the program, `bench-reference`, compiled with
 * KIT_REFERENCE defined: KIT_PARALLEL() then leaves every parallel
 * function out, and the program links without any of the student's code,
 * so nothing a submission does (at load time or later) can slow the base
 * its speedup is measured against.
 */
#ifndef KIT_BENCH_H
#define KIT_BENCH_H

#include <stddef.h>
#include <stdint.h>

/** The most repetitions one timed run makes: each one's result is in the
 * record. */
#define KIT_BENCH_MAX_REPS 64

/** In a lab's bench program, a kernel's parallel function: left out of the
 * reference build (KIT_REFERENCE defined), which holds no student code. */
#ifdef KIT_REFERENCE
#define KIT_PARALLEL(fn) NULL
#else
#define KIT_PARALLEL(fn) (fn)
#endif

/** One kernel of a lab: its input, its serial reference, its parallel form. */
struct kit_bench_kernel {
    const char *name;    /**< what -k selects, e.g. "integrate" */
    const char *summary; /**< one line for the usage text */
    long default_size;   /**< -n default for this kernel */
    /** The largest relative difference from the serial result that a
     * correct result may have, for this input: a floating-point sum in
     * another order differs in its last bits, by at most about
     * 2 n eps sum|terms| / |sum| (kit_bench_sum_bound()). NULL: the results
     * must be equal. */
    double (*bound)(const void *input, long n, double result);
    /** Build the input of size @p n from @p seed; not timed. May be NULL. */
    void *(*setup)(long n, uint64_t seed);
    /** Make the input a new one, of seed @p seed, for the next repetition
     * (not timed): cheaply, where setup() would take long. NULL: setup()
     * and teardown() for each repetition. */
    void (*vary)(void *input, long n, uint64_t seed);
    /** The kit's serial reference. */
    double (*serial)(void *input, long n);
    /** The student's parallel version on @p threads threads. */
    double (*parallel)(void *input, long n, int threads);
    /** For a kernel whose workers are processes started for each call (an
     * mpirun): start and end @p threads of them that do none of the work,
     * with the kit's code only, so that it is in the reference build too.
     * What it takes is what every parallel call spends before and after
     * the work; the grader times it (-v startup) beside each parallel run
     * and, where lab.ini says `startup = excluded`, counts the run without
     * it. NULL: nothing to take off. */
    void (*startup)(void *input, long n, int threads);
    /** Free what setup made. May be NULL. */
    void (*teardown)(void *input);
};

/** A lab's bench program: its name and its kernels. */
struct kit_bench {
    const char *program;                    /**< e.g. "bench" */
    const char *summary;                    /**< one line for the usage text */
    const struct kit_bench_kernel *kernels; /**< the lab's kernels */
    size_t nkernels;                        /**< how many */
    /** What one of -t is called ("rank"); NULL: thread. */
    const char *worker;
    /** And many of them ("ranks"); NULL: threads. */
    const char *workers;
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

/**
 * The reordering bound of a sum of @p n terms whose absolute values add up
 * to @p abs_sum, relative to the sum @p sum: two sums of the same terms in
 * any two orders differ by at most 2 (n - 1) eps abs_sum (each is within
 * (n - 1) eps abs_sum of the exact sum).
 */
double kit_bench_sum_bound(long n, double abs_sum, double sum);

#endif
