/* SPDX-License-Identifier: MIT */
/* Preparing a submission: the instructor's hidden tests (each lab's
 * kit/hidden/, spec/catalogue.h) kept from student code. The kit builds
 * their objects as root; the sandbox's user, who builds and runs the
 * student's code, must not read their sources: a submit file that
 * #includes one would have the compiler quote it in its errors. */
#ifndef GRADER_PREPARE_HIDDEN_H
#define GRADER_PREPARE_HIDDEN_H

#include "spec/catalogue.h"

#include <stddef.h>

/* As root, close every lab's kit/hidden/ under `kit` (the kit, or its
 * mirror) to group and others (mode 0700, owned by root). Returns how many
 * labs have hidden tests, or -1 with the reason in `err`. Without root it
 * changes nothing and returns the count: student code then runs as the
 * grader's own user, which the Sandbox line says. */
int hidden_tests_close(const struct catalogue *c, const char *kit, char *err,
                       size_t errlen);

#endif
