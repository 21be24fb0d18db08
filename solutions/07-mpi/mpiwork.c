/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": reference solution. Each rank counts its share
 * of 1..n; the counts meet at rank 0 by point-to-point messages, by
 * MPI_Reduce, or everywhere by MPI_Allreduce. The heat equation swaps
 * ghost rows with MPI_Sendrecv, which never waits for a partner that
 * itself waits to send: no ordering of the calls can deadlock. */
#include "mpiwork.h"

#include <stdlib.h>
#include <string.h>

/* This rank's share of 1..n: [*lo, *hi). The first n % size ranks get one
 * integer more. */
static void
share(long n, MPI_Comm comm, long *lo, long *hi)
{
    int rank, size;

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    long base = n / size, extra = n % size;
    *lo = 1 + rank * base + (rank < extra ? rank : extra);
    *hi = *lo + base + (rank < extra ? 1 : 0);
}

static uint64_t
count_share(long n, MPI_Comm comm)
{
    long lo, hi;
    uint64_t steps = 0;

    share(n, comm, &lo, &hi);
    for (long x = lo; x < hi; x++)
        steps += mpiwork_steps((uint64_t)x);
    return steps;
}

uint64_t
steps_star(long n, MPI_Comm comm)
{
    int rank, size;
    uint64_t mine = count_share(n, comm);

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (rank != 0) {
        MPI_Send(&mine, 1, MPI_UINT64_T, 0, 0, comm);
        return 0;
    }
    uint64_t total = mine;
    for (int r = 1; r < size; r++) {
        uint64_t theirs;
        MPI_Recv(&theirs, 1, MPI_UINT64_T, r, 0, comm, MPI_STATUS_IGNORE);
        total += theirs;
    }
    return total;
}

uint64_t
steps_reduce(long n, MPI_Comm comm)
{
    int rank;
    uint64_t mine = count_share(n, comm), total = 0;

    MPI_Comm_rank(comm, &rank);
    MPI_Reduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, 0, comm);
    return rank == 0 ? total : 0;
}

uint64_t
steps_allreduce(long n, MPI_Comm comm)
{
    uint64_t mine = count_share(n, comm), total = 0;

    MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, comm);
    return total;
}

int
heat_run(double *grid, long rows, long cols, int steps, MPI_Comm comm)
{
    int rank, size;
    double *next = malloc((size_t)((rows + 2) * cols) * sizeof(*next));

    if (next == NULL)
        return -1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    /* MPI_PROC_NULL at the edges: the exchange with it does nothing, and
     * the ghost row there stays the fixed boundary. */
    int up = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    int down = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
    /* The ghost rows and the fixed columns are copied over once: no step
     * writes them in `next`. */
    memcpy(next, grid, (size_t)((rows + 2) * cols) * sizeof(*next));
    for (int s = 0; s < steps; s++) {
        /* My first row goes up while the row below comes into my lower
         * ghost row; then the other way round. */
        MPI_Sendrecv(&grid[cols], (int)cols, MPI_DOUBLE, up, MPIWORK_TAG_UP,
                     &grid[(rows + 1) * cols], (int)cols, MPI_DOUBLE, down,
                     MPIWORK_TAG_UP, comm, MPI_STATUS_IGNORE);
        MPI_Sendrecv(&grid[rows * cols], (int)cols, MPI_DOUBLE, down,
                     MPIWORK_TAG_DOWN, &grid[0], (int)cols, MPI_DOUBLE, up,
                     MPIWORK_TAG_DOWN, comm, MPI_STATUS_IGNORE);
        for (long r = 1; r <= rows; r++)
            for (long c = 1; c < cols - 1; c++)
                next[r * cols + c] =
                    mpiwork_heat_cell(&grid[(r - 1) * cols], &grid[r * cols],
                                      &grid[(r + 1) * cols], c);
        /* The new rows become the current ones; the ghost rows are
         * received again before the next step. */
        for (long r = 1; r <= rows; r++)
            memcpy(&grid[r * cols], &next[r * cols],
                   (size_t)cols * sizeof(*grid));
    }
    free(next);
    return 0;
}
