/* SPDX-License-Identifier: MIT */
/* The grader's unit tests: one Check suite per part of the grader, run by
 * check_grader.c. */
#ifndef GRADER_TEST_SUITES_H
#define GRADER_TEST_SUITES_H

#include <check.h>

Suite *report_suite(void);
Suite *labini_suite(void);
Suite *stats_suite(void);
Suite *suite_suite(void);
Suite *run_suite(void);
Suite *sandbox_suite(void);
Suite *bench_record_suite(void);

#endif
