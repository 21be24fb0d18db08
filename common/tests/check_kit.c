/* SPDX-License-Identifier: MIT */
/* libkit's unit tests: runs every module's suite; exit status 0 when all pass.
 */
#include "suites.h"

#include <stdlib.h>

int
main(void)
{
    SRunner *runner = srunner_create(time_suite());
    int failed;

    srunner_add_suite(runner, rng_suite());
    srunner_add_suite(runner, args_suite());
    srunner_add_suite(runner, pthread_suite());
    srunner_add_suite(runner, topology_suite());
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
