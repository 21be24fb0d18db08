/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis: what gdb adds to the /proc view, run in
 * batch mode on each process (through the runner, with a time limit): the
 * backtrace of every thread, reduced to its frames, and the names of the
 * locks waited on. gdb stops the threads it attaches to, so it runs after
 * /proc has been read. */
#ifndef GRADER_HANG_GDB_H
#define GRADER_HANG_GDB_H

#include "hang/threads.h"

#define GDB_SECONDS 15
#define MAX_GDB_PROCESSES 4 /* gdb runs, at up to GDB_SECONDS each */

/* Which gdb to run: `wanted` (NULL: /usr/bin/gdb, else on PATH; "": none).
 * Sets d->gdb_path, or d->gdb_missing with the reason. */
void gdb_find(struct diag *d, const char *wanted);

/* Run gdb on p: frames and lock names into its threads, or the reason it
 * showed nothing in p->gdb_error. */
void gdb_backtraces(struct diag *d, struct hproc *p);

/* Whether the frame is in one of the student's files. */
bool gdb_student_frame(const struct diag *d, const struct frame *f);

#endif
