/* SPDX-License-Identifier: MIT */
/* The grader's runner: one machine shared by several graders (a class graded in
 * parallel). Builds and correctness runs of different students may overlap;
 * a speedup measurement must have the machine to itself, or the others'
 * work would read as the student's slowness. A reader-writer lock between
 * grader processes, one flock(2)ed file, gives exactly that: shared for the
 * former, exclusive for the latter. Waiting measurements do not stop new
 * correctness runs from starting: a run that hangs to its time limit then
 * holds up only the measurement, not every grader; and since each grader
 * reaches its own measurements in turn, the runs thin out until one
 * measures. Without a lock file every call is a no-op. */
#ifndef GRADER_RUN_MACHINE_LOCK_H
#define GRADER_RUN_MACHINE_LOCK_H

#include <stddef.h>

/* Use the lock file `path` (made if missing) from now on. Returns 0, or -1
 * with the reason in `err`. */
int machine_lock_open(const char *path, char *err, size_t errlen);

/* Wait for the machine, shared or alone; then machine_lock_release(). */
void machine_lock_shared(void);
void machine_lock_exclusive(void);
void machine_lock_release(void);

#endif
