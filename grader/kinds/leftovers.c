/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: leftovers, the suite (or a TCase of it), after
 * which no process of it may still be running and none may have been left
 * unreaped: every fork needs its waitpid, and a child must not outlive the
 * call that made it. */
#include "kinds/kinds_run.h"
#include "kinds/suite.h"

void
kind_leftovers(const struct kind_call *call, struct graded_test *result)
{
    const struct run_result *r;
    struct text out = TEXT_INIT;
    struct suite_run s;
    enum test_status status;

    suite_execute(call, NULL, NULL, NULL, &s);
    r = &s.run;
    result->score = 0;
    result->status = TEST_FAILED;
    if (suite_failed(call, &s, &out, &status)) {
        result->status = status;
    } else if (r->leftovers_killed > 0 || r->zombies_reaped > 0) {
        text_addf(&out,
                  "After the tests ended, %d process(es) of theirs were still "
                  "running (the grader killed them) and %d child process(es) "
                  "had never been waited for (zombies): every fork needs its "
                  "waitpid, and a child must not outlive the call that made "
                  "it.\n",
                  r->leftovers_killed, r->zombies_reaped);
        suite_describe_checks(&out, &s, 3);
    } else if (s.passed < s.total) {
        text_add(&out, "No process was left behind, but the tests fail, and "
                       "this test counts only for code that also passes "
                       "them:\n");
        suite_describe_checks(&out, &s, 2);
    } else {
        result->score = call->test->points;
        result->status = TEST_PASSED;
        text_addf(&out,
                  "%d checks passed, and no process was left running or "
                  "unreaped after them.\n",
                  s.total);
    }
    suite_add_notes(&out, &s, true);
    result->output = text_steal(&out);
    suite_run_free(&s);
}
