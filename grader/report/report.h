/* SPDX-License-Identifier: MIT */
/* The grader's reports: the reports written from a grade, one file per
 * format. Each returns 0, or -1 with a message on stderr naming the file
 * it could not write. */
#ifndef GRADER_REPORT_REPORT_H
#define GRADER_REPORT_REPORT_H

#include "base/text.h"
#include "result.h"

#include <stdbool.h>
#include <stdio.h>

/* One line per test with points, a total per lab and overall; colours when
 * `color` (the grader passes isatty(stdout) unless NO_COLOR is set). */
void report_terminal(const struct grade *g, FILE *to, bool color);

/* Gradescope's results.json: score, execution_time, output, tests[] with
 * name, score, max_score, status, output, visibility. Written with jansson. */
int report_results_json(const struct grade *g, const char *path);

/* JUnit XML: a testsuite per lab, a testcase per test, failures with the
 * output; skipped and inconclusive tests as <skipped>. */
int report_junit(const struct grade *g, const char *path);

/* Markdown for a CI job summary: a table per lab, details of what failed. */
int report_summary(const struct grade *g, const char *path);

/* A gnuplot speedup plot per speedup test into `dir` (created if missing):
 * the student's speedup per thread count beside the calibration kernel's and
 * the ideal line; PNG, named LAB-TEST.png. Returns -1 if gnuplot is missing
 * or fails. */
int report_plots(const struct grade *g, const char *dir);

/* What graded each lab, in one line's words (no newline): "02-threads:
 * lab.ini 3f2a9c1d, kit 63b8440c". Nothing when no lab was graded. */
void report_graded_by(struct text *t, const struct grade *g);

/* Write a report's text to `path`, replacing whatever stood there
 * (write_file_atomic()). Returns 0, or -1 with a message on stderr naming
 * `who` and the path. */
int report_write_file(const struct text *t, const char *path, const char *who);

#endif
