/* SPDX-License-Identifier: MIT */
/* The grader's unit tests: runs every suite of grader/tests; exit status 0
 * when all pass. */
#include "suites.h"

#include <stdlib.h>

int
main(void)
{
    SRunner *runner = srunner_create(report_suite());
    int failed;

    srunner_add_suite(runner, labini_suite());
    srunner_add_suite(runner, run_suite());
    srunner_add_suite(runner, stats_suite());
    srunner_add_suite(runner, suite_suite());
    srunner_add_suite(runner, sandbox_suite());
    srunner_add_suite(runner, bench_record_suite());
    srunner_add_suite(runner, base_suite());

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
