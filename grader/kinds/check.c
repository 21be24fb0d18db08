/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: check, the lab's Check suite (or one TCase of
 * it) in the release build: points in proportion to the checks passed. */
#include "kinds/kinds_run.h"
#include "kinds/suite.h"

void
kind_check(const struct kind_call *call, struct graded_test *result)
{
    const struct test_spec *test = call->test;
    struct text out = TEXT_INIT;
    struct suite_run s;
    enum test_status status;

    suite_execute(call, NULL, NULL, NULL, &s);
    result->score = 0;
    result->status = TEST_FAILED;
    if (suite_failed(call, &s, &out, &status)) {
        result->status = status;
    } else {
        result->score = test->points * s.passed / s.total;
        result->status = s.passed == s.total ? TEST_PASSED
                         : s.passed > 0      ? TEST_PARTIAL
                                             : TEST_FAILED;
        suite_describe_checks(&out, &s, 8);
    }
    suite_add_notes(&out, &s, false);
    result->output = text_steal(&out);
    suite_run_free(&s);
}
