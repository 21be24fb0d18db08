/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": public tests. Every result is
 * compared with the kit's serial reference (serial.c) over many sizes and
 * thread counts, and a link-time wrapper (thread_counter.c) counts the
 * threads created. No test measures time, so they pass on one core as well
 * as on sixty-four. */
#include "kit_bench.h"
#include "kit_hidden.h"
#include "kit_rng.h"
#include "kit_sanitizer.h"
#include "parallel.h"
#include "serial.h"
#include "thread_counter.h"

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sums in another order differ in their last bits (see README.md), by at
 * most the reordering bound of the sum, which each test works out for its
 * input (kit_bench_sum_bound()); nothing looser is allowed. Only the
 * integral against pi itself has a tolerance of its own: the midpoint
 * rule's error. */
#define PI_TOLERANCE 1e-9
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* Every input is tried with each of these. With n = 1, 2, 3, 5 or 7 some
 * are more threads than items; most do not divide the larger sizes
 * (1000003 and 100003 are prime). The long inputs are shorter under a
 * sanitizer (kit_sanitizer.h). */
static const int thread_counts[] = {1, 2, 3, 4, 7, 8, 16, 64};
/* Under a sanitizer, which makes each thread costly to start, the counts
 * but the last: races and bad accesses show with a few threads. */
#define NCOUNTS KIT_LONG_RUN(COUNT(thread_counts), COUNT(thread_counts) - 1)

/* What went wrong over the thread counts tried on one input: which counts
 * gave a wrong result, the first wrong result in full, and what the
 * failing counts have in common. */
struct verdict {
    long n;
    char failed[256]; /* "8, 16, 64" */
    int nfailed;
    int first_threads;
    double first_got, first_again, first_want;
    double allowed; /* the largest relative error of a correct result */
    bool unstable;  /* a failing call, made again, returned
                       another result */
    bool all_more_threads_than_n; /* every failing count exceeds n */
    bool all_uneven;              /* no failing count divides n ... */
    bool even_split_passed;       /* ... while one above 1 that does passed */
};

/* Call `call` on `input` with each thread count and compare with `want`,
 * allowing a relative error of `allowed`. A wrong result is asked for once
 * more: a result that changes from call to call on the same input points
 * to a data race, not to the arithmetic. */
static void
verdict_run(struct verdict *v, long n, double (*call)(const void *, int),
            const void *input, double want, double allowed)
{
    *v = (struct verdict){.n = n,
                          .allowed = allowed,
                          .all_more_threads_than_n = true,
                          .all_uneven = true};
    for (int i = 0; i < NCOUNTS; i++) {
        int threads = thread_counts[i];
        double got = call(input, threads), again;
        size_t used = strlen(v->failed);

        if (kit_bench_rel_error(got, want) <= allowed) {
            if (threads > 1 && n % threads == 0)
                v->even_split_passed = true;
            continue;
        }
        again = call(input, threads);
        if (v->nfailed == 0) {
            v->first_threads = threads;
            v->first_got = got;
            v->first_again = again;
            v->first_want = want;
        }
        if (kit_bench_rel_error(again, got) > allowed)
            v->unstable = true;
        v->nfailed++;
        snprintf(v->failed + used, sizeof(v->failed) - used, "%s%d",
                 used > 0 ? ", " : "", threads);
        if (threads <= n)
            v->all_more_threads_than_n = false;
        if (n % threads == 0)
            v->all_uneven = false;
    }
}

/* The message of a failed verdict: `call` names the input with the thread
 * count left as "nthreads", `reference` what the result was compared with. */
static const char *
verdict_message(const struct verdict *v, const char *call,
                const char *reference)
{
    static char message[2048];
    char tried[128] = "", failed[512], hint[512] = "";

    for (int i = 0; i < NCOUNTS; i++) {
        size_t used = strlen(tried);
        snprintf(tried + used, sizeof(tried) - used, "%s%d", i ? ", " : "",
                 thread_counts[i]);
    }
    if (v->unstable)
        snprintf(hint, sizeof(hint),
                 "; called again, it returned %.17g: a result that changes "
                 "from call to call is the mark of a data race "
                 "(make check MODE=tsan shows where)",
                 v->first_again);
    else if (v->nfailed == NCOUNTS && v->first_got == 0.0)
        snprintf(hint, sizeof(hint),
                 "; 0 is what the starter returns: not written yet?");
    else if (isnan(v->first_got))
        snprintf(hint, sizeof(hint),
                 "; NaN: a division by zero, or a partial sum never set?");
    else if (v->all_more_threads_than_n)
        snprintf(hint, sizeof(hint),
                 "; it fails only with more threads than items: each item "
                 "must still be in exactly one share, and a thread with an "
                 "empty share must add 0");
    else if (v->all_uneven && v->even_split_passed)
        snprintf(hint, sizeof(hint),
                 "; it fails only when nthreads does not divide n: is every "
                 "item in exactly one share?");
    if (v->nfailed == NCOUNTS)
        snprintf(failed, sizeof(failed), "every nthreads tried (%s)", tried);
    else
        snprintf(failed, sizeof(failed), "nthreads = %s (of %s)", v->failed,
                 tried);
    snprintf(message, sizeof(message),
             "%s is wrong for %s. With nthreads=%d it returned %.17g, %s "
             "gives %.17g (relative error %.3g; summing in another order "
             "moves it by at most %.3g)%s",
             call, failed, v->first_threads, v->first_got, reference,
             v->first_want, kit_bench_rel_error(v->first_got, v->first_want),
             v->allowed, hint);
    return message;
}

/* A second integrand, to tell a solution that calls the f it is given from
 * one that calls pi_integrand. Its integral over [-1, 2] is 6. */
static double
parabola(double x)
{
    return 1.0 + x * x;
}

struct integral {
    const char *name; /* as the messages print it */
    double (*f)(double);
    double a, b;
    long n;
    /* The largest |f| on [a, b], for the reordering bound. */
    double most;
    /* checked_integrand(): its coins' salt. */
    uint64_t salt;
};

/* The checked integrand adds a coin of +1 or -1 per slice (serial.h): a
 * slice skipped, merged with another or counted twice moves the sum far
 * beyond the rounding of a correct one, so these integrals show whether
 * integrate() evaluates every slice asked for, once. pi_integrand is at
 * most 4 and the coins 1 in size. */
#define CHECKED(a, b, n, salt)                                                 \
    {                                                                          \
        "the checked integrand", checked_integrand, a, b, n, 5.0, salt         \
    }

static const struct integral integrals[] = {
    {"pi_integrand", pi_integrand, 0.0, 1.0, 1, 4.0, 0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, 2, 4.0, 0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, 3, 4.0, 0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, 7, 4.0, 0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, 1000, 4.0, 0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, KIT_LONG_RUN(1000003, 100003), 4.0,
     0},
    {"pi_integrand", pi_integrand, 0.0, 1.0, KIT_LONG_RUN(10000000, 1000003),
     4.0, 0},
    /* An interval that does not start at 0. */
    {"pi_integrand", pi_integrand, -1.0, 3.0, KIT_LONG_RUN(1000003, 100003),
     4.0, 0},
    {"parabola", parabola, -1.0, 2.0, 5, 5.0, 0},
    {"parabola", parabola, -1.0, 2.0, KIT_LONG_RUN(999999, 99999), 5.0, 0},
    CHECKED(0.0, 1.0, 7, 11),
    CHECKED(0.0, 1.0, 1000, 12),
    CHECKED(-0.5, 1.5, KIT_LONG_RUN(1000003, 100003), 13),
    CHECKED(-0.25, 1.75, KIT_LONG_RUN(4000037, 400009), 14),
};

static double
call_integrate(const void *input, int threads)
{
    const struct integral *in = input;

    if (in->f == checked_integrand)
        checked_integrand_set(in->a, in->b, in->n, in->salt);
    return integrate(in->f, in->a, in->b, in->n, threads);
}

START_TEST(integrate_matches_serial)
{
    const struct integral *in = &integrals[_i];
    struct verdict v;
    char call[256];

    double want;

    if (in->f == checked_integrand)
        checked_integrand_set(in->a, in->b, in->n, in->salt);
    want = integrate_serial(in->f, in->a, in->b, in->n);
    /* The terms f(x) * h add up to at most most * (b - a) in size. */
    verdict_run(&v, in->n, call_integrate, in, want,
                kit_bench_sum_bound(in->n, in->most * (in->b - in->a), want));
    snprintf(call, sizeof(call), "integrate(%s, a=%g, b=%g, n=%ld, nthreads)",
             in->name, in->a, in->b, in->n);
    ck_assert_msg(v.nfailed == 0, "%s",
                  verdict_message(&v, call, "integrate_serial"));
}
END_TEST

START_TEST(integrate_gives_pi)
{
    const long n = KIT_LONG_RUN(10000000, 1000000);
    const int threads = 4;
    const double pi = 3.14159265358979323846;
    double got = integrate(pi_integrand, 0.0, 1.0, n, threads);

    ck_assert_msg(kit_bench_rel_error(got, pi) <= PI_TOLERANCE,
                  "integrate(pi_integrand, a=0, b=1, n=%ld, nthreads=%d) "
                  "returned %.17g; the integral is pi = %.17g (relative error "
                  "%.3g, allowed %g)",
                  n, threads, got, pi, kit_bench_rel_error(got, pi),
                  PI_TOLERANCE);
}
END_TEST

/* dot's input. */
struct vectors {
    double *x, *y;
    long n;
};

static const long dot_sizes[] = {1, 5, 1000, KIT_LONG_RUN(1000001, 100001)};
static const uint64_t dot_seeds[] = {1, 2, 3};

/* Two vectors of exactly n doubles in [0, 1), so AddressSanitizer reports
 * a read past the end, and every product is positive: no cancellation. */
static struct vectors
random_vectors(long n, uint64_t seed)
{
    struct vectors v = {malloc((size_t)n * sizeof(double)),
                        malloc((size_t)n * sizeof(double)), n};
    struct kit_rng rng;

    ck_assert_msg(v.x != NULL && v.y != NULL, "out of memory for n=%ld", n);
    kit_rng_seed(&rng, seed, 0);
    for (long i = 0; i < n; i++)
        v.x[i] = kit_rng_double(&rng);
    kit_rng_seed(&rng, seed, 1);
    for (long i = 0; i < n; i++)
        v.y[i] = kit_rng_double(&rng);
    return v;
}

static double
call_dot(const void *input, int threads)
{
    const struct vectors *v = input;

    return dot(v->x, v->y, v->n, threads);
}

START_TEST(dot_matches_serial)
{
    long n = dot_sizes[_i / COUNT(dot_seeds)];
    uint64_t seed = dot_seeds[_i % COUNT(dot_seeds)];
    struct vectors vec = random_vectors(n, seed);
    struct verdict v;
    char call[256];

    double want = dot_serial(vec.x, vec.y, n);

    /* Every product is positive: the terms add up to the sum itself. */
    verdict_run(&v, n, call_dot, &vec, want,
                kit_bench_sum_bound(n, want, want));
    /* Freed before the verdict: a failed assertion ends the test's process,
     * and LeakSanitizer would blame this test's arrays. */
    free(vec.x);
    free(vec.y);
    snprintf(call, sizeof(call),
             "dot(x, y, n=%ld, nthreads) on random vectors of seed %llu", n,
             (unsigned long long)seed);
    ck_assert_msg(v.nfailed == 0, "%s",
                  verdict_message(&v, call, "dot_serial"));
}
END_TEST

START_TEST(dot_of_ones_and_twos)
{
    /* Every partial sum is a whole number below 2^53, so it is exact in a
     * double whatever the order: the answer is 2n to the last bit. */
    const long n = KIT_LONG_RUN(1000003, 100003);
    struct vectors vec = {malloc((size_t)n * sizeof(double)),
                          malloc((size_t)n * sizeof(double)), n};
    struct verdict v;
    char call[256];

    ck_assert_msg(vec.x != NULL && vec.y != NULL, "out of memory for n=%ld", n);
    for (long i = 0; i < n; i++) {
        vec.x[i] = 1.0;
        vec.y[i] = 2.0;
    }
    verdict_run(&v, n, call_dot, &vec, 2.0 * (double)n, 0);
    free(vec.x);
    free(vec.y);
    snprintf(call, sizeof(call),
             "dot(x, y, n=%ld, nthreads) with every x[i] = 1 and y[i] = 2", n);
    ck_assert_msg(v.nfailed == 0, "%s",
                  verdict_message(&v, call, "the exact sum 2n"));
}
END_TEST

/* Thread counts of the creation tests, and a size far larger than any of
 * them, so that every thread has work. */
static const int create_counts[] = {1, 2, 4, 8};
#define CREATE_SIZE KIT_LONG_RUN(1000000L, 100000L)

START_TEST(creates_the_threads_asked_for)
{
    bool is_dot = _i >= COUNT(create_counts);
    int threads = create_counts[_i % COUNT(create_counts)];
    struct vectors vec = {NULL, NULL, CREATE_SIZE};
    long before, created;
    double got, want;

    if (is_dot)
        vec = random_vectors(CREATE_SIZE, 1);
    before = threads_created();
    if (is_dot)
        got = dot(vec.x, vec.y, CREATE_SIZE, threads);
    else
        got = integrate(pi_integrand, 0.0, 1.0, CREATE_SIZE, threads);
    created = threads_created() - before;
    want = is_dot ? dot_serial(vec.x, vec.y, CREATE_SIZE)
                  : integrate_serial(pi_integrand, 0.0, 1.0, CREATE_SIZE);
    free(vec.x);
    free(vec.y);
    /* Counting threads only means something for code that works: the
     * starter creates none and would pass with one thread. */
    ck_assert_msg(kit_bench_rel_error(got, want) <=
                      kit_bench_sum_bound(CREATE_SIZE, want, want),
                  "%s(..., n=%ld, nthreads=%d) returned %.17g instead of "
                  "%.17g; threads are counted only once the result is right",
                  is_dot ? "dot" : "integrate", CREATE_SIZE, threads, got,
                  want);
    ck_assert_msg(created == threads || created == threads - 1,
                  "%s(..., n=%ld, nthreads=%d) created %ld thread%s; it "
                  "should create %d (or %d if the calling thread takes a "
                  "share)%s",
                  is_dot ? "dot" : "integrate", CREATE_SIZE, threads, created,
                  created == 1 ? "" : "s", threads, threads - 1,
                  created > threads ? ": threads beyond those asked for only "
                                      "add overhead"
                                    : "");
}
END_TEST

static Suite *
parallel_suite(void)
{
    Suite *s = suite_create("02-threads");
    TCase *integrate_case = tcase_create("integrate");
    TCase *dot_case = tcase_create("dot");
    TCase *threads_case = tcase_create("threads created");

    tcase_add_loop_test(integrate_case, integrate_matches_serial, 0,
                        COUNT(integrals));
    tcase_add_test(integrate_case, integrate_gives_pi);
    tcase_add_loop_test(dot_case, dot_matches_serial, 0,
                        COUNT(dot_sizes) * COUNT(dot_seeds));
    tcase_add_test(dot_case, dot_of_ones_and_twos);
    tcase_add_loop_test(threads_case, creates_the_threads_asked_for, 0,
                        2 * COUNT(create_counts));
    suite_add_tcase(s, integrate_case);
    suite_add_tcase(s, dot_case);
    suite_add_tcase(s, threads_case);
    /* The instructor's hidden test cases, where the course has some
     * (kit_hidden.h); none in your kit. */
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    /* The code under test finds the same environment in every build. */
    kit_sanitizer_options_forget();
    runner = srunner_create(parallel_suite());

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
