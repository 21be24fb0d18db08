/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the run function of each kind, one file each,
 * for the table in kinds.c, the one place that names them. */
#ifndef GRADER_KINDS_KINDS_RUN_H
#define GRADER_KINDS_KINDS_RUN_H

#include "kinds/kinds.h"

void kind_check(const struct kind_call *call, struct graded_test *result);
void kind_tsan(const struct kind_call *call, struct graded_test *result);
void kind_asan(const struct kind_call *call, struct graded_test *result);
void kind_leftovers(const struct kind_call *call, struct graded_test *result);
void kind_speedup(const struct kind_call *call, struct graded_test *result);
void kind_busywait(const struct kind_call *call, struct graded_test *result);

#endif
