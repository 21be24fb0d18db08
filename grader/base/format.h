/* SPDX-License-Identifier: MIT */
/* The grader's base: numbers and names as the reports and the gradebook
 * write them. */
#ifndef GRADER_BASE_FORMAT_H
#define GRADER_BASE_FORMAT_H

#include <stddef.h>

/* x with at most `decimals` decimals and no trailing zeros: "40", "24.5",
 * "33.333"; "?" when not finite. */
void format_number(double x, int decimals, char *buf, size_t len);
/* Points as a person writes them, to two decimals: "40", "24.5", "33.33". */
void format_points(double points, char *buf, size_t len);
/* "24.5/30" */
void format_score(double score, double max_score, char *buf, size_t len);
/* The longest run of c in s (0 for NULL). */
size_t format_longest_run(const char *s, char c);
/* s lowercased, each run of other than [a-z0-9] made one '-', no '-' at
 * either end; "test" if nothing is left. Malloc'ed; NULL when out of
 * memory. */
char *format_slug(const char *s);
/* The number of characters (code points) of s, for aligning columns. */
size_t format_width(const char *s);

#endif
