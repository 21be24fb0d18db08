/* SPDX-License-Identifier: MIT */
/* libkit's unit tests: one Check suite per module, run by check_kit.c. */
#ifndef KIT_TEST_SUITES_H
#define KIT_TEST_SUITES_H

#include <check.h>

Suite *time_suite(void);
Suite *rng_suite(void);
Suite *args_suite(void);
Suite *pthread_suite(void);
Suite *topology_suite(void);

#endif
