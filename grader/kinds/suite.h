/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: what the kinds that run the lab's Check suite
 * (check, tsan, asan, leftovers) share: one run of the suite program, or
 * of one TCase of it, as one child under the kind's limits, its TAP log
 * through a pipe only the grader reads; and the ways such a run can fail
 * whatever the kind. */
#ifndef GRADER_KINDS_SUITE_H
#define GRADER_KINDS_SUITE_H

#include "base/text.h"
#include "kinds/kinds.h"
#include "kinds/tap.h"
#include "run/runner.h"

/* One run of the suite, read. */
struct suite_run {
    struct run_result run;
    struct tap_log tap;
    char how[160]; /* run_describe() of the run */
    int total;     /* the plan's count, or the lines when it never came */
    int passed;
};

/* Run the suite of call->build (the TCase of call->test, if any) with
 * `env` added to its environment (NULL-terminated, may be NULL); stop it
 * at a line of its output that starts with `stop_starts` and holds
 * `stop_holds` (NULL: run to its end). */
void suite_execute(const struct kind_call *call, char *const *env,
                   const char *stop_starts, const char *stop_holds,
                   struct suite_run *out);

/* When the run cannot be believed or did not finish (a timeout, with the
 * hang diagnosis; a log that is not Check's; a runner that died; a TCase
 * lab.ini names that the suite lacks), say why in `out`, set the status
 * and return true: the kind then awards nothing. */
bool suite_failed(const struct kind_call *call, const struct suite_run *run,
                  struct text *out, enum test_status *status);

/* "3 of 5 checks passed" and the first `most` failures, Check's messages
 * as they are. */
void suite_describe_checks(struct text *out, const struct suite_run *run,
                           int most);

/* Notes every suite kind adds: the memory limit hit, processes left
 * running after the tests (unless the kind reports them itself). */
void suite_add_notes(struct text *out, const struct suite_run *run,
                     bool leftovers_noted);

void suite_run_free(struct suite_run *run);

#endif
