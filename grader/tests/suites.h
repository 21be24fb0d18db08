/* SPDX-License-Identifier: MIT */
/* The grader's unit tests: one Check suite per part of the grader, run by
 * check_grader.c. */
#ifndef GRADER_TEST_SUITES_H
#define GRADER_TEST_SUITES_H

#include <check.h>
#include <stdio.h>

/* A check that cannot run here says so, on a line the kit's tests turn
 * into a visible skip with its reason (tests/test_units.py); the test then
 * returns, having checked what it could. */
static inline void
test_skipped(const char *test, const char *why)
{
    fprintf(stderr, "SKIPPED: %s: %s\n", test, why);
}

Suite *report_suite(void);
Suite *labini_suite(void);
Suite *stats_suite(void);
Suite *suite_suite(void);
Suite *run_suite(void);
Suite *sandbox_suite(void);
Suite *bench_record_suite(void);
Suite *base_suite(void);

#endif
