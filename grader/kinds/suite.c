/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: running the lab's Check suite (see suite.h). */
#include "kinds/suite.h"
#include "base/escape.h"
#include "run/channel.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most of a TAP log kept: Check writes about 100 bytes a test. */
#define TAP_MAX_BYTES (1 << 20)
/* Environment variables of a suite run, beyond the kind's own. */
#define ENV_MAX 16

/* The last `n` bytes of s, at most. */
static const char *
tail_of(const char *s, size_t n)
{
    size_t len = strlen(s);

    return len > n ? s + len - n : s;
}

/* Run the suite once and return its TAP log. Check writes the log to a
 * pipe only the grader reads, named /dev/fd/N: a file would stay writable
 * by the code under test after the runner is gone. ThreadSanitizer cannot
 * start under some kernels' address-space randomisation, and then runs
 * again with it turned off. */
static char *
run_binary(const struct kind_call *call, char *const *extra,
           const char *stop_starts, const char *stop_holds,
           struct run_result *r)
{
    char timeout[64], run_case[512];
    char *vars[ENV_MAX + 1];
    char *plain[] = {(char *)call->build->suite, NULL};
    char *no_aslr[] = {"/usr/bin/setarch", "-R", (char *)call->build->suite,
                       NULL};
    struct hang_options hang;
    struct run_request req = kind_request(call, plain, &hang);
    char *tap = NULL;
    int n = 0;

    vars[n++] = NULL; /* the log's channel, below */
    vars[n++] = "CK_FORK=yes";
    /* Check's own per-test timeout must never fire first: the grader's, on
     * the whole run, stops a hang while it can still see where it hangs. */
    snprintf(timeout, sizeof(timeout), "CK_DEFAULT_TIMEOUT=%d",
             (int)call->limits.wall_seconds + 60);
    vars[n++] = timeout;
    if (call->test->tcase != NULL) {
        snprintf(run_case, sizeof(run_case), "CK_RUN_CASE=%s",
                 call->test->tcase);
        vars[n++] = run_case;
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < ENV_MAX; i++)
        vars[n++] = extra[i];
    vars[n] = NULL;
    req.env = vars;
    req.stop.starts = stop_starts;
    req.stop.holds = stop_holds;

    for (int attempt = 0; attempt < 2; attempt++) {
        struct channel log;

        /* A full pipe stalls the runner (and times it out): room for any
         * honest log. */
        if (channel_open(&log, "CK_TAP_LOG_FILE_NAME=/dev/fd/%d", TAP_MAX_BYTES,
                         false) != 0) {
            memset(r, 0, sizeof(*r));
            r->end = RUN_NOT_STARTED;
            r->output = strdup("the grader could not make a pipe");
            return NULL;
        }
        vars[0] = log.env;
        req.pass_fd = log.write_fd;
        kind_run(call, &req, r);
        tap = channel_take(&log, TAP_MAX_BYTES, NULL);
        if (attempt > 0 || r->output == NULL ||
            strstr(r->output, "ThreadSanitizer: unexpected memory mapping") ==
                NULL)
            break;
        run_result_free(r);
        free(tap);
        tap = NULL;
        req.argv = no_aslr;
    }
    return tap;
}

void
suite_execute(const struct kind_call *call, char *const *env,
              const char *stop_starts, const char *stop_holds,
              struct suite_run *out)
{
    char *tap_text;

    memset(out, 0, sizeof(*out));
    tap_text = run_binary(call, env, stop_starts, stop_holds, &out->run);
    tap_parse(tap_text != NULL ? tap_text : "", &out->tap);
    free(tap_text);
    run_describe(&out->run, out->how, sizeof(out->how));
    for (size_t i = 0; i < out->tap.n; i++)
        out->passed += out->tap.lines[i].ok;
    out->total = out->tap.planned >= 0 ? out->tap.planned : (int)out->tap.n;
}

void
suite_describe_checks(struct text *t, const struct suite_run *run, int most)
{
    const struct tap_log *tap = &run->tap;
    bool hung = run_hung(&run->run);
    int shown = 0, total = hung ? (int)tap->n : run->total;

    /* Check writes its plan (the number of checks) only at the end: of a
     * hung run only the finished checks are known. */
    if (!hung)
        text_addf(t, "%d of %d checks passed\n", run->passed, total);
    else
        text_addf(t,
                  "%d of the %d checks that finished before the hang "
                  "passed\n",
                  run->passed, total);
    for (size_t i = 0; i < tap->n && shown < most; i++) {
        if (tap->lines[i].ok)
            continue;
        text_addf(t, "  FAIL %s: %s\n", tap->lines[i].test,
                  tap->lines[i].message);
        shown++;
    }
    if (total - run->passed > shown)
        text_addf(t, "  ... and %d more\n", total - run->passed - shown);
}

bool
suite_failed(const struct kind_call *call, const struct suite_run *s,
             struct text *out, enum test_status *status)
{
    const struct run_result *r = &s->run;

    *status = TEST_FAILED;
    if (run_hung(r)) {
        text_addf(out, "The tests %s.\n", s->how);
        if (r->hang_report != NULL)
            text_addf(out, "%s\n", r->hang_report);
        if (s->tap.n > 0)
            suite_describe_checks(out, s, 8);
        return true;
    }
    if (s->tap.broken != NULL) {
        /* Only code under test writes lines Check does not: no check of
         * this run can be believed. */
        text_addf(out,
                  "The test log is not the one the test runner wrote (%s): "
                  "something else wrote to it, so no check of this run "
                  "counts. The test program %s.\n",
                  s->tap.broken, s->how);
        return true;
    }
    if (s->tap.planned < 0 || r->end != RUN_EXITED) {
        /* The runner itself died: nothing after that point is known. */
        text_addf(out, "The test program stopped before it finished (%s).\n",
                  s->how);
        if (r->output != NULL && r->output[0] != '\0') {
            text_add(out, "Its last output:\n");
            text_add_quoted(out, tail_of(r->output, 2000));
        }
        return true;
    }
    if (s->total == 0) {
        const char *tcase = call->test->tcase;

        *status = TEST_ERROR;
        text_addf(out,
                  "No test ran%s%s%s: lab.ini names a test case the suite "
                  "does not have; the kit needs fixing, not your code.\n",
                  tcase ? " (tcase \"" : "", tcase ? tcase : "",
                  tcase ? "\")" : "");
        return true;
    }
    return false;
}

void
suite_add_notes(struct text *out, const struct suite_run *s,
                bool leftovers_noted)
{
    const struct run_result *r = &s->run;

    if (r->memory_limit_hit && r->end != RUN_OUT_OF_MEMORY &&
        !(r->end == RUN_SIGNALED && r->signal == SIGKILL))
        text_addf(out,
                  "The run went past its memory limit (%ld MB for all its "
                  "processes together), and the kernel killed a process of "
                  "it.\n",
                  r->limits.tree_memory_mb);
    if (r->leftovers_killed > 0 && !leftovers_noted)
        text_addf(out,
                  "%d process(es) left running after the tests ended were "
                  "killed.\n",
                  r->leftovers_killed);
}

void
suite_run_free(struct suite_run *s)
{
    tap_free(&s->tap);
    run_result_free(&s->run);
}
