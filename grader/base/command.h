/* SPDX-License-Identifier: MIT */
/* The grader's base: running a helper program (git, sbatch, squeue) and
 * reading what it prints. For the kit's own tools only: student code runs
 * through run/, under the sandbox and its limits. */
#ifndef GRADER_BASE_COMMAND_H
#define GRADER_BASE_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

/* Runs argv[0] (looked up in PATH) with argv, in the folder `cwd` (NULL:
 * this one), stdin from /dev/null and no shell, and keeps the first `len`-1
 * bytes of its output in `out` (its stderr too when `with_stderr`, else stderr
 * is dropped); the rest is read and dropped, so the program never blocks on a
 * full pipe. Signals the caller blocks are unblocked in the program. Returns
 * its exit status, 128 + the signal that ended it, or -1 (errno set) when it
 * could not be started. */
int command_output(const char *cwd, const char *const *argv, bool with_stderr,
                   char *out, size_t len);

#endif
