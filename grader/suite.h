/* The grader: running a lab's Check suite (plain, or built with a
 * sanitizer) and reading what it says. */
#ifndef GRADER_SUITE_H
#define GRADER_SUITE_H

#include "labini.h"
#include "result.h"

#include <stdbool.h>
#include <stddef.h>

/* One test of Check's TAP log. */
struct tap_line {
    bool ok;
    char *tcase;
    char *test;
    char *message; /* Check's message: "Passed" or why it failed */
};

struct tap_log {
    struct tap_line *lines;
    size_t n;
    int planned; /* the "1..N" line, -1 when it never came (the run died) */
    /* Why the log cannot be Check's own, or NULL: Check numbers its lines
     * 1, 2, 3 ... and ends with one plan that counts them; a line forged
     * by the code under test breaks that order. */
    const char *broken;
};

/* Parse Check's TAP log text. Returns 0 (-1 out of memory); unknown lines
 * are ignored, out-of-order or repeated ones set `broken`. */
int tap_parse(const char *text, struct tap_log *log);
void tap_free(struct tap_log *log);

/* The first sanitizer report in `output` (ThreadSanitizer, AddressSanitizer,
 * LeakSanitizer or UBSan's "runtime error"), cut to its headline, the
 * frames in the student's files (paths reduced to the file name) and its
 * summary; NULL when there is none. */
char *sanitizer_report(const char *output, char *const *student_files,
                       int nfiles);

/* What a test run needs to know about the lab and its builds. */
struct suite_context {
    const char *run_dir;        /* the tests' cwd: the work folder's run/, the
                                   one place student code may write */
    const char *test_binary;    /* of the build the kind calls for */
    char *const *student_files; /* the lab's submit files */
    int nfiles;
};

/* Run a check, tsan or asan test and fill `result` (score, status,
 * output). */
void suite_run(const struct lab_test *test, const struct suite_context *ctx,
               struct graded_test *result);

#endif
