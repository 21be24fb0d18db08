/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: tsan and asan, the whole suite built with
 * ThreadSanitizer, or with AddressSanitizer and UBSan. Full points when
 * the sanitizer reports nothing and the suite passes in its build; none
 * otherwise, with the report cut down to the student's own frames. */
#include "kinds/kinds_run.h"
#include "kinds/sanitizer.h"
#include "kinds/suite.h"

#include <stdio.h>
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
/* ASAN_OPTIONS also bounds each process's resident memory at the run's
 * memory limit (hard_rss_limit_mb): where the host gives no memory cgroup,
 * nothing else bounds a sanitizer build, whose shadow memory rules out an
 * address-space limit. */
#define ASAN_OPTIONS                                                           \
    "ASAN_OPTIONS=detect_leaks=1 exitcode=67 abort_on_error=0 "                \
    "allocator_may_return_null=1 fast_unwind_on_malloc=0 "                     \
    "malloc_context_size=30 hard_rss_limit_mb=%ld"
#define UBSAN_OPTIONS "UBSAN_OPTIONS=print_stacktrace=1 halt_on_error=1"
/* What AddressSanitizer prints when it stops a process at that limit. */
#define RSS_LIMIT_HIT "AddressSanitizer: hard rss limit exhausted"

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
    if (s.run.output != NULL && strstr(s.run.output, RSS_LIMIT_HIT) != NULL) {
        text_addf(&out,
                  "The tests went past their memory limit (%ld MB for one "
                  "process, AddressSanitizer's hard_rss_limit_mb) and were "
                  "stopped.\n",
                  call->limits.tree_memory_mb);
    } else if (report != NULL) {
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
    char asan[sizeof(ASAN_OPTIONS) + 24];
    char *env[] = {asan, UBSAN_OPTIONS, NULL};

    snprintf(asan, sizeof(asan), ASAN_OPTIONS, call->limits.tree_memory_mb);
    run_sanitized(call, env, "AddressSanitizer and UBSan", result);
}
