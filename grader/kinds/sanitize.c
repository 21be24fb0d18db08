/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: tsan and asan, the whole suite built with
 * ThreadSanitizer, or with AddressSanitizer and UBSan. Full points when
 * the sanitizer reports nothing and the suite passes in its build; none
 * otherwise, with the report cut down to the student's own frames. */
#include "kinds/kinds_run.h"
#include "kinds/sanitizer.h"
#include "kinds/suite.h"

#include <stdlib.h>
#include <string.h>

/* What each sanitizer is told: stop at the first report, with an exit
 * status of its own; the leak checker on; an allocation that fails
 * returns NULL (the memory limit), rather than aborting; and allocations'
 * stacks unwound in full (from the debug information, not the frame
 * pointers), so that memory a library built without frame pointers
 * allocated (an hwloc bitmap) is still traced back to the student's line
 * that asked for it. */
static char *const tsan_env[] = {
    "TSAN_OPTIONS=halt_on_error=1 exitcode=66 second_deadlock_stack=1 "
    "report_signal_unsafe=0",
    NULL,
};
static char *const asan_env[] = {
    "ASAN_OPTIONS=detect_leaks=1 exitcode=67 abort_on_error=0 "
    "allocator_may_return_null=1 fast_unwind_on_malloc=0 "
    "malloc_context_size=30",
    "UBSAN_OPTIONS=print_stacktrace=1 halt_on_error=1",
    NULL,
};

static void
run_sanitized(const struct kind_call *call, char *const *env,
              const char *sanitizer, struct graded_test *result)
{
    struct text out = TEXT_INIT;
    struct suite_run s;
    enum test_status status;
    char *report;

    /* halt_on_error: the first report ends its test, and fixes the
     * verdict; the run stops at its summary line rather than go on to
     * report the same mistake in every test. */
    suite_execute(call, env, "SUMMARY: ", "Sanitizer: ", &s);
    result->score = 0;
    result->status = TEST_FAILED;
    report =
        !run_hung(&s.run) && s.run.output != NULL
            ? sanitizer_report(s.run.output, call->student_files, call->nfiles)
            : NULL;
    if (report != NULL) {
        text_addf(&out, "%s reported a problem:\n%s", sanitizer, report);
    } else if (suite_failed(call, &s, &out, &status)) {
        result->status = status;
    } else if (s.passed < s.total) {
        text_addf(&out,
                  "%s found nothing, but the tests fail in its build, and "
                  "this test counts only for code that also passes them:\n",
                  sanitizer);
        suite_describe_checks(&out, &s, 2);
    } else {
        result->score = call->test->points;
        result->status = TEST_PASSED;
        text_addf(&out, "%s found no problem in %d checks.\n", sanitizer,
                  s.total);
    }
    suite_add_notes(&out, &s, false);
    free(report);
    result->output = text_steal(&out);
    suite_run_free(&s);
}

void
kind_tsan(const struct kind_call *call, struct graded_test *result)
{
    run_sanitized(call, tsan_env, "ThreadSanitizer", result);
}

void
kind_asan(const struct kind_call *call, struct graded_test *result)
{
    run_sanitized(call, asan_env, "AddressSanitizer and UBSan", result);
}
