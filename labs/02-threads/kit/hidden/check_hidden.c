/* SPDX-License-Identifier: MIT */
/* Lab 02: an example of the instructor's hidden test cases (see
 * common/kit_hidden.h). They test nothing beyond what parallel.h asks,
 * only inputs the public tests do not try: far more threads than work, and
 * a function whose every slice is the same. A course keeps tests like
 * these here; `make release` leaves this folder out of the student kit,
 * and lab.ini's visibility decides when a student sees the result. */
#include "kit_hidden.h"
#include "parallel.h"
#include "serial.h"

#include <check.h>
#include <math.h>

static double
constant(double x)
{
    (void)x;
    return 0.5;
}

/* 80 threads for at most 3 slices or elements: every thread past the
 * work has an empty share, and the result is still the whole sum. */
START_TEST(far_more_threads_than_work)
{
    static const double x[] = {1.5, -2.25, 4.0}, y[] = {2.0, 8.0, -0.5};

    for (long n = 1; n <= 3; n++) {
        double want, got;

        checked_integrand_set(0.0, 1.0, n, 0);
        want = integrate_serial(checked_integrand, 0.0, 1.0, n);
        got = integrate(checked_integrand, 0.0, 1.0, n, 80);
        ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want),
                      "integrate(f, 0, 1, n=%ld, nthreads=80) returned %.17g; "
                      "the serial reference gives %.17g",
                      n, got, want);
        want = dot_serial(x, y, n);
        got = dot(x, y, n, 80);
        ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want),
                      "dot(x, y, n=%ld, nthreads=80) returned %.17g; the "
                      "serial reference gives %.17g",
                      n, got, want);
    }
}
END_TEST

/* A constant integrand: every slice adds the same, so any split of the
 * slices among threads gives (b - a) * 0.5 to a few ulps. */
START_TEST(constant_function_any_split)
{
    for (int t = 1; t <= 9; t++) {
        double got = integrate(constant, -1.0, 3.0, 999, t);

        ck_assert_msg(fabs(got - 2.0) <= 1e-12,
                      "integrate(0.5, -1, 3, n=999, nthreads=%d) returned "
                      "%.17g; the integral is 2",
                      t, got);
    }
}
END_TEST

void
kit_hidden_tcases(Suite *suite)
{
    TCase *edges = tcase_create("edge cases");

    tcase_add_test(edges, far_more_threads_than_work);
    tcase_add_test(edges, constant_function_any_split);
    suite_add_tcase(suite, edges);
}
