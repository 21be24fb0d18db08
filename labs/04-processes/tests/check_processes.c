/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the public tests' suite, one test case per file of
 * this folder (cases.h says what they share). */
#include "cases.h"
#include "kit_hidden.h"
#include "kit_sanitizer.h"

#include <check.h>
#include <stdlib.h>

static Suite *
processes_suite(void)
{
    Suite *s = suite_create("04-processes");

    suite_add_tcase(s, fork_and_wait_tcase());
    suite_add_tcase(s, pipes_tcase());
    suite_add_tcase(s, shared_memory_tcase());
    suite_add_tcase(s, pool_tcase());
    suite_add_tcase(s, crash_tcase());
    suite_add_tcase(s, processes_created_tcase());
    suite_add_tcase(s, reaped_tcase());
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
    runner = srunner_create(processes_suite());

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
