/* The grader: the busywait kind. A lab program measures a phase in which
 * the student's code should only wait (a pool's parent waiting for results,
 * workers waiting for work) and prints its wall and CPU time; waiting that
 * keeps cores busy is spinning on a flag or polling in a loop instead of
 * blocking in the kernel. */
#ifndef GRADER_BUSYWAIT_H
#define GRADER_BUSYWAIT_H

#include "labini.h"
#include "result.h"

/* Run `program` (a path) in `run_dir` (the work folder's run/) and judge its
 * "busywait:" line. */
void busywait_run(const struct lab_test *test, const char *program,
                  const char *run_dir, char *const *student_files,
                  struct graded_test *result);

/* Read "busywait: wall_ns=N cpu_ns=N" from the last such line of `output`.
 * Returns 0, or -1 when there is none. */
int busywait_parse(const char *output, double *wall_ns, double *cpu_ns);

#endif
