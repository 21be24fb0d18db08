/* SPDX-License-Identifier: MIT */
/* The grader: `grader --describe`, what the kit's labs are, for every
 * script that needs a lab's submit files, tests or points (the Gradescope
 * package, the kit's own tests, class grading): they ask the grader rather
 * than read lab.ini themselves. */
#ifndef GRADER_DESCRIBE_H
#define GRADER_DESCRIBE_H

#include "spec/catalogue.h"

#include <stdio.h>

/* Describe `lab` (NULL: every lab) of the catalogue to `to`: as JSON when
 * `field` is NULL (an object with "labs", each with its number, title,
 * folder, submit files, points and tests, and "kinds", the kinds table),
 * else the one field of the lab (of every lab, one after another), a
 * value per line: lab, title, folder, submit, points or tests. Returns 0, or 2
 * with a message on stderr (an unreadable lab.ini, an unknown field). */
int describe(const struct catalogue *c, const char *lab, const char *field,
             FILE *to);

#endif
