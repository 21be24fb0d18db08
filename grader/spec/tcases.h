/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: the TCases a lab's Check tests define, read from
 * their sources (each tcase_create("NAME") of the .c files of tests/, and of
 * the instructor's hidden tests in kit/hidden/ where there are some), so that
 * a lab.ini naming one that does not exist is refused before anything is built
 * or run, not found out as a test that ran nothing. */
#ifndef GRADER_SPEC_TCASES_H
#define GRADER_SPEC_TCASES_H

#include "spec/labini.h"

#include <stddef.h>

/* Check that every `tcase =` of `spec` names a TCase created in the .c
 * files of one of `dirs` (NULL-terminated). Returns 0, or -1 with the test,
 * the name and the TCases there are in `err`. */
int tcases_check(const struct lab_spec *spec, const char *const *dirs,
                 char *err, size_t errlen);

#endif
