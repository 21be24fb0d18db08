/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the tests start the kit's program `ranks`
 * (built with your mpiwork.c) on P ranks with mpirun, in a folder of
 * their own where each rank leaves its notes (kit/trace.h) and what it
 * returned. While the ranks run, the test watches the notes: ranks that
 * all wait in MPI calls and none of whose calls returns for a few seconds
 * are deadlocked, and the test stops them and says who waits for whom. */
#ifndef MPIRUN_H
#define MPIRUN_H

#include "trace.h"

#include <stdbool.h>

#define MPIRUN_MAX_RANKS 8

struct mpirun {
    int nranks;
    bool deadlocked; /* stopped by the test: `why` says who waited */
    bool exited;     /* mpirun exited (status below) */
    int status;      /* its exit status, or 128 + signal */
    char why[3000];  /* what went wrong, in words; empty: nothing */
    /* Each rank's out-R, a line per call the kit made, or "". */
    char returned[MPIRUN_MAX_RANKS][512];
    struct trace_rank notes[MPIRUN_MAX_RANKS];
    bool noted[MPIRUN_MAX_RANKS];
    char dir[256]; /* the folder; the grid is dir/grid */
};

/* Run `ranks ARGS...` on `np` ranks and wait; `args` ends with NULL. */
void mpirun_ranks(int np, const char *const *args, struct mpirun *out);

/* Remove the run's folder. */
void mpirun_clean(struct mpirun *run);

#endif
