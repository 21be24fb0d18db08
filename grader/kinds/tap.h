/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: Check's TAP log, as the suite kinds read it.
 * Check numbers its lines 1, 2, 3 ... and ends with one plan that counts
 * them; a line forged by the code under test breaks that order. */
#ifndef GRADER_KINDS_TAP_H
#define GRADER_KINDS_TAP_H

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
    /* Why the log cannot be Check's own, or NULL. */
    const char *broken;
};

/* Parse Check's TAP log text. Returns 0 (-1 out of memory); unknown lines
 * are ignored, out-of-order or repeated ones set `broken`. */
int tap_parse(const char *text, struct tap_log *log);
void tap_free(struct tap_log *log);

#endif
