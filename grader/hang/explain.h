/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis, said: a wait-for cycle among the threads
 * ("suspected deadlock: thread 2 waits for lock_b held by thread 3, which
 * waits for lock_a held by thread 2"), or every thread blocked, or a
 * program still running; then a line per thread with where it waits, its
 * student frames where gdb gave them. */
#ifndef GRADER_HANG_EXPLAIN_H
#define GRADER_HANG_EXPLAIN_H

#include "base/text.h"
#include "hang/threads.h"

/* Append the diagnosis of `d` after `seconds` of running to `b`. */
void explain_hang(struct text *b, struct diag *d, double seconds);

#endif
