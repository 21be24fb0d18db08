/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the mpirun command line of the kit's programs
 * (the tests, the bench), one machine, any number of ranks. The Makefile's
 * MPIRUN, which `make run` and `make scaling` use, says the same.
 * Kit-owned: nothing to edit here. */
#ifndef LAUNCH_H
#define LAUNCH_H

#include <stddef.h>

/* The environment mpirun needs besides the caller's: as root, Open MPI
 * wants to be told twice that it may run. */
void launch_allow_root(void);

/* Fill argv[0..] with `mpirun`, its options and `-np NP PROGRAM`; returns
 * how many it wrote (at most LAUNCH_ARGS), after which the caller puts the
 * program's arguments and the NULL. `np` and `program` are not copied. */
#define LAUNCH_ARGS 24
size_t launch_argv(char **argv, const char *np, const char *program);

#endif
