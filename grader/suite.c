/* The grader: the check, tsan and asan kinds. The lab's Check suite runs as
 * one child under limits; its TAP log says which tests passed; a sanitizer
 * build's output is searched for the first report, cut down to the student's
 * own lines. */
#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include "suite.h"
#include "run.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The most of a TAP log kept: Check writes about 100 bytes a test. */
#define TAP_MAX_BYTES (1 << 20)

/* The text's buffer, handed over to the caller (never NULL). */
static char *
steal_text(struct text *t)
{
    char *s = t->buf != NULL ? t->buf : strdup("");

    t->buf = NULL;
    t->len = t->cap = 0;
    return s;
}

/* The last `n` bytes of s, at most. */
static const char *
tail_of(const char *s, size_t n)
{
    size_t len = strlen(s);

    return len > n ? s + len - n : s;
}

static char *
dup_range(const char *s, size_t n)
{
    char *d = strndup(s, n);

    return d != NULL ? d : strdup("");
}

int
tap_parse(const char *text, struct tap_log *log)
{
    const char *line = text;

    memset(log, 0, sizeof(*log));
    log->planned = -1;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        bool ok = strncmp(line, "ok ", 3) == 0;

        if (strncmp(line, "1..", 3) == 0) {
            if (log->planned >= 0 && log->broken == NULL)
                log->broken = "a second plan line";
            log->planned = atoi(line + 3);
        } else if (ok || strncmp(line, "not ok ", 7) == 0) {
            /* "ok 3 - FILE:TCASE:TEST: MESSAGE" */
            const char *p = memchr(line, '-', len);
            const char *stop = line + len;
            const char *c1, *c2, *c3;
            if (log->broken == NULL && log->planned >= 0)
                log->broken = "a test line after the plan";
            if (log->broken == NULL &&
                atol(line + (ok ? 3 : 7)) != (long)log->n + 1)
                log->broken = "test lines out of order or repeated";
            if (p != NULL && p + 2 < stop &&
                (c1 = memchr(p, ':', (size_t)(stop - p))) != NULL &&
                (c2 = memchr(c1 + 1, ':', (size_t)(stop - c1 - 1))) != NULL &&
                (c3 = memchr(c2 + 1, ':', (size_t)(stop - c2 - 1))) != NULL) {
                struct tap_line *grown =
                    realloc(log->lines, (log->n + 1) * sizeof(*grown));
                if (grown == NULL)
                    return -1;
                log->lines = grown;
                struct tap_line *t = &log->lines[log->n++];
                const char *msg = c3 + 1;
                while (msg < stop && *msg == ' ')
                    msg++;
                t->ok = ok;
                t->tcase = dup_range(c1 + 1, (size_t)(c2 - c1 - 1));
                t->test = dup_range(c2 + 1, (size_t)(c3 - c2 - 1));
                t->message = dup_range(msg, (size_t)(stop - msg));
            } else if (log->broken == NULL) {
                log->broken = "a test line not in Check's form";
            }
        }
        line = end != NULL ? end + 1 : NULL;
    }
    if (log->broken == NULL && log->planned >= 0 && log->planned != (int)log->n)
        log->broken = "a plan that does not count the test lines";
    return 0;
}

void
tap_free(struct tap_log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        free(log->lines[i].tcase);
        free(log->lines[i].test);
        free(log->lines[i].message);
    }
    free(log->lines);
    memset(log, 0, sizeof(*log));
}

/* Where a sanitizer's first report starts in `output`, or NULL. */
static const char *
first_report(const char *output)
{
    static const char *const markers[] = {
        "WARNING: ThreadSanitizer:", "ERROR: AddressSanitizer:",
        "ERROR: LeakSanitizer:", ": runtime error:"};
    const char *first = NULL;

    for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
        const char *at = strstr(output, markers[i]);
        if (at != NULL && (first == NULL || at < first))
            first = at;
    }
    if (first == NULL)
        return NULL;
    while (first > output && first[-1] != '\n')
        first--;
    return first;
}

/* Whether a line names one of the student's files. */
static bool
mentions(const char *line, size_t len, char *const *files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        size_t flen = strlen(files[i]);
        for (size_t j = 0; j + flen < len; j++)
            if (memcmp(line + j, files[i], flen) == 0 &&
                line[j + flen] == ':' &&
                (j == 0 || line[j - 1] == '/' || line[j - 1] == ' '))
                return true;
    }
    return false;
}

/* Append a line with every "/some/folder/" before a file name taken out:
 * the work folder's path means nothing to the student. */
static void
append_short(struct text *t, const char *line, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (line[i] == '/' && (i == 0 || line[i - 1] == ' ' ||
                               line[i - 1] == '(' || line[i - 1] == '\'')) {
            size_t j = i, last_slash = i;
            while (j < len && line[j] != ' ' && line[j] != ':' &&
                   line[j] != ')' && line[j] != '\'') {
                if (line[j] == '/')
                    last_slash = j;
                j++;
            }
            text_addn(t, line + start, i - start);
            start = last_slash + 1;
            i = j - 1;
        }
    }
    text_addn(t, line + start, len - start);
    text_add(t, "\n");
}

char *
sanitizer_report(const char *output, char *const *student_files, int nfiles)
{
    const char *line = first_report(output);
    struct text t;
    int lines = 0, student_frames = 0, other_frames = 0;

    if (line == NULL)
        return NULL;
    t = (struct text)TEXT_INIT;
    while (line != NULL && *line != '\0' && lines < 200) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *s = line;
        while (s < line + len && *s == ' ')
            s++;
        bool frame = *s == '#';

        lines++;
        if (strncmp(s, "==================", 18) == 0 && lines > 1)
            break; /* the end of a ThreadSanitizer report */
        if (frame) {
            if (mentions(line, len, student_files, nfiles)) {
                append_short(&t, line, len);
                student_frames++;
            } else if (student_frames == 0 && other_frames < 2) {
                /* Keep the top of a stack that never reaches the student's
                 * code, so the report still says where it happened. */
                append_short(&t, line, len);
                other_frames++;
            }
        } else if (len > 0 && s < line + len && strncmp(s, "==", 2) != 0 &&
                   strncmp(s, "Shadow", 6) != 0 && strncmp(s, "0x", 2) != 0) {
            append_short(&t, line, len);
            other_frames = 0;
        }
        if (strncmp(s, "SUMMARY:", 8) == 0)
            break;
        line = end != NULL ? end + 1 : NULL;
    }
    return steal_text(&t);
}

/* Environment of a suite run. */
struct suite_env {
    char tap[4300], run_case[512], timeout[64];
    char *vars[8];
};

static void
suite_env(const struct lab_test *test, const char *tap_path,
          struct suite_env *e)
{
    int n = 0;

    snprintf(e->tap, sizeof(e->tap), "CK_TAP_LOG_FILE_NAME=%s", tap_path);
    e->vars[n++] = e->tap;
    e->vars[n++] = "CK_FORK=yes";
    /* Check's own per-test timeout must never fire first: the grader's, on
     * the whole run, stops a hang while it can still see where it hangs. */
    snprintf(e->timeout, sizeof(e->timeout), "CK_DEFAULT_TIMEOUT=%d",
             (int)test->timeout + 60);
    e->vars[n++] = e->timeout;
    if (test->tcase != NULL) {
        snprintf(e->run_case, sizeof(e->run_case), "CK_RUN_CASE=%s",
                 test->tcase);
        e->vars[n++] = e->run_case;
    }
    if (test->kind == KIND_TSAN)
        e->vars[n++] = "TSAN_OPTIONS=halt_on_error=1 exitcode=66 "
                       "second_deadlock_stack=1 report_signal_unsafe=0";
    if (test->kind == KIND_ASAN) {
        e->vars[n++] = "ASAN_OPTIONS=detect_leaks=1 exitcode=67 "
                       "abort_on_error=0 allocator_may_return_null=1";
        e->vars[n++] = "UBSAN_OPTIONS=print_stacktrace=1 halt_on_error=1";
    }
    e->vars[n] = NULL;
}

/* All a pipe holds until its every writer is gone, up to `cap` bytes. */
static char *
read_pipe(int fd, size_t cap)
{
    char *buf = malloc(cap + 1);
    size_t n = 0;

    if (buf == NULL)
        return NULL;
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

/* Run the suite once and return its TAP log. Check writes the log to a
 * pipe only the grader reads, named /dev/fd/N: a file would stay writable
 * by the code under test after the runner is gone. ThreadSanitizer cannot
 * start under some kernels' address-space randomisation, and then runs
 * again with it turned off. */
static char *
run_suite_binary(const struct lab_test *test, const struct suite_context *ctx,
                 struct run_result *r)
{
    struct suite_env env;
    char *plain[] = {(char *)ctx->test_binary, NULL};
    char *no_aslr[] = {"/usr/bin/setarch", "-R", (char *)ctx->test_binary,
                       NULL};
    struct run_request req = {
        .argv = plain,
        .cwd = ctx->run_dir,
        .limits =
            {
                .wall_seconds = test->timeout,
                .cpu_seconds = (long)test->timeout * 4 + 10,
                .memory_mb = test->kind == KIND_CHECK ? 2048 : 0,
                /* The lab suites stay under 200 MB, sanitizers and all. */
                .tree_memory_mb = test->kind == KIND_CHECK ? 4096 : 2048,
                .processes = 1024,
                .file_size_mb = 64,
                .open_files = 256,
                .output_bytes = 256 * 1024,
            },
        .diagnose_hang = true,
        .student_files = ctx->student_files,
        .sandboxed = true,
    };
    char *tap = NULL;

    for (int attempt = 0; attempt < 2; attempt++) {
        int fds[2];
        char path[64];

        if (pipe2(fds, O_CLOEXEC) != 0) {
            memset(r, 0, sizeof(*r));
            r->end = RUN_NOT_STARTED;
            r->output = strdup("the grader could not make a pipe");
            return NULL;
        }
        /* A full pipe stalls the runner (and times it out): room for any
         * honest log. */
        (void)fcntl(fds[1], F_SETPIPE_SZ, TAP_MAX_BYTES);
        snprintf(path, sizeof(path), "/dev/fd/%d", fds[1]);
        suite_env(test, path, &env);
        req.env = env.vars;
        req.pass_fd = fds[1];
        run_program(&req, r);
        close(fds[1]);
        tap = read_pipe(fds[0], TAP_MAX_BYTES);
        close(fds[0]);
        if (attempt > 0 || test->kind != KIND_TSAN || r->output == NULL ||
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

/* "3 of 5 checks passed" and the first failures, Check's messages as is. */
static void
describe_checks(struct text *t, const struct tap_log *tap, int total, int most)
{
    int passed = 0, shown = 0;

    for (size_t i = 0; i < tap->n; i++)
        passed += tap->lines[i].ok;
    text_addf(t, "%d of %d checks passed\n", passed, total);
    for (size_t i = 0; i < tap->n && shown < most; i++) {
        if (tap->lines[i].ok)
            continue;
        text_addf(t, "  FAIL %s: %s\n", tap->lines[i].test,
                  tap->lines[i].message);
        shown++;
    }
    if (total - passed > shown)
        text_addf(t, "  ... and %d more\n", total - passed - shown);
}

static const char *
sanitizer_name(enum test_kind kind)
{
    return kind == KIND_TSAN ? "ThreadSanitizer" : "AddressSanitizer and UBSan";
}

void
suite_run(const struct lab_test *test, const struct suite_context *ctx,
          struct graded_test *result)
{
    char how[160];
    struct run_result r;
    struct tap_log tap;
    struct text out;
    char *tap_text, *report = NULL;
    int total, passed = 0;

    tap_text = run_suite_binary(test, ctx, &r);
    tap_parse(tap_text != NULL ? tap_text : "", &tap);
    free(tap_text);
    run_describe(&r, how, sizeof(how));
    for (size_t i = 0; i < tap.n; i++)
        passed += tap.lines[i].ok;
    total = tap.planned >= 0 ? tap.planned : (int)tap.n;
    out = (struct text)TEXT_INIT;
    result->score = 0;
    result->status = TEST_FAILED;

    if (test->kind != KIND_CHECK && r.output != NULL)
        report = sanitizer_report(r.output, ctx->student_files, ctx->nfiles);

    if (r.end == RUN_TIMED_OUT) {
        text_addf(&out, "The tests %s.\n", how);
        if (r.hang_report != NULL)
            text_addf(&out, "%s\n", r.hang_report);
        if (tap.n > 0)
            describe_checks(&out, &tap, (int)tap.n, 8);
    } else if (report != NULL) {
        text_addf(&out, "%s reported a problem:\n%s",
                  sanitizer_name(test->kind), report);
    } else if (tap.broken != NULL) {
        /* Only code under test writes lines Check does not: no check of
         * this run can be believed. */
        text_addf(&out,
                  "The test log is not the one the test runner wrote (%s): "
                  "something else wrote to it, so no check of this run "
                  "counts. The test program %s.\n",
                  tap.broken, how);
    } else if (tap.planned < 0 || r.end != RUN_EXITED) {
        /* The runner itself died: nothing after that point is known. */
        text_addf(&out, "The test program stopped before it finished (%s).\n",
                  how);
        if (r.output != NULL && r.output[0] != '\0') {
            text_add(&out, "Its last output:\n");
            text_add_quoted(&out, tail_of(r.output, 2000));
        }
    } else if (total == 0) {
        result->status = TEST_ERROR;
        text_addf(&out,
                  "No test ran%s%s%s: lab.ini names a test case the suite "
                  "does not have; the kit needs fixing, not your code.\n",
                  test->tcase ? " (tcase \"" : "",
                  test->tcase ? test->tcase : "", test->tcase ? "\")" : "");
    } else if (test->kind == KIND_LEFTOVERS &&
               (r.leftovers_killed > 0 || r.zombies_reaped > 0)) {
        text_addf(&out,
                  "After the tests ended, %d process(es) of theirs were still "
                  "running (the grader killed them) and %d child process(es) "
                  "had never been waited for (zombies): every fork needs its "
                  "waitpid, and a child must not outlive the call that made "
                  "it.\n",
                  r.leftovers_killed, r.zombies_reaped);
        describe_checks(&out, &tap, total, 3);
    } else if (test->kind == KIND_LEFTOVERS && passed < total) {
        text_add(&out, "No process was left behind, but the tests fail, and "
                       "this test counts only for code that also passes "
                       "them:\n");
        describe_checks(&out, &tap, total, 2);
    } else if (test->kind == KIND_LEFTOVERS) {
        result->score = test->points;
        result->status = TEST_PASSED;
        text_addf(&out,
                  "%d checks passed, and no process was left running or "
                  "unreaped after them.\n",
                  total);
    } else if (test->kind == KIND_CHECK) {
        result->score = test->points * passed / total;
        result->status = passed == total ? TEST_PASSED
                         : passed > 0    ? TEST_PARTIAL
                                         : TEST_FAILED;
        describe_checks(&out, &tap, total, 8);
    } else if (passed < total) {
        text_addf(&out,
                  "%s found nothing, but the tests fail in its build, and "
                  "this test counts only for code that also passes them:\n",
                  sanitizer_name(test->kind));
        describe_checks(&out, &tap, total, 2);
    } else {
        result->score = test->points;
        result->status = TEST_PASSED;
        text_addf(&out, "%s found no problem in %d checks.\n",
                  sanitizer_name(test->kind), total);
    }
    if (r.memory_limit_hit && !(r.end == RUN_SIGNALED && r.signal == SIGKILL))
        text_addf(&out,
                  "The run went past its memory limit (%ld MB for all its "
                  "processes together), and the kernel killed a process of "
                  "it.\n",
                  r.limits.tree_memory_mb);
    if (r.leftovers_killed > 0 && test->kind != KIND_LEFTOVERS)
        text_addf(&out,
                  "%d process(es) left running after the tests ended were "
                  "killed.\n",
                  r.leftovers_killed);
    free(report);
    free(result->output);
    result->output = steal_text(&out);
    tap_free(&tap);
    run_result_free(&r);
}
