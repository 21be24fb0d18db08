/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: the labs of a kit, the one rule that turns "2",
 * "02" or "02-threads" into a lab, and where each lab keeps what. The
 * grader, grade-class and `grader --describe` (which every script asks)
 * all go through here. */
#ifndef GRADER_SPEC_CATALOGUE_H
#define GRADER_SPEC_CATALOGUE_H

#include "spec/labini.h"

#include <limits.h>
#include <stddef.h>

/* A lab folder, labs/NN-name/, holds at its top what the student reads and
 * edits: README.md, the submit files (exactly the .c files there), their
 * headers, tests/ and a Makefile. The kit's own parts of the lab (drivers,
 * serial references, link-time wrappers, lab.ini) are in its kit/ folder. */
#define LAB_KIT_FOLDER "kit"
#define LAB_INI "kit/lab.ini"
/* The instructor's hidden test cases, where a lab has some: Check sources
 * linked into the lab's suite (common/kit_hidden.h), left out of the
 * student kit (make release) and covered up from student code. */
#define LAB_HIDDEN "kit/hidden"

struct catalogue {
    char kit[PATH_MAX]; /* the kit's top folder, absolute */
    char **labs;        /* folder names of KIT/labs holding a kit/lab.ini */
    size_t nlabs;
};

/* List the labs of the kit at `kit`. Returns 0, or -1 with the reason in
 * `err` (no such folder, no lab in it). */
int catalogue_open(struct catalogue *c, const char *kit, char *err,
                   size_t errlen);
void catalogue_close(struct catalogue *c);

/* The lab "2", "02" or "02-threads" names (its folder name, owned by the
 * catalogue), or NULL with "no lab 'X'; the labs are: ..." in `err`. */
const char *catalogue_find(const struct catalogue *c, const char *wanted,
                           char *err, size_t errlen);

/* KIT/labs/LAB, or KIT/labs/LAB/REL when `rel` is not NULL; malloc'ed. */
char *catalogue_path(const struct catalogue *c, const char *lab,
                     const char *rel);

/* Read the lab's lab.ini, and check that the submit files it names are
 * exactly the .c files at the top of the lab folder (what the lab's
 * Makefile builds as the student's) and that each TCase it names is one
 * the lab's tests create (tcases.h). Returns 0, or -1 with the reason. */
int catalogue_read(const struct catalogue *c, const char *lab,
                   struct lab_spec *out, char *err, size_t errlen);

#endif
