/* SPDX-License-Identifier: MIT */
/**
 * @file mpiwork.h
 * @brief Lab 07 "Across machines": the message-passing functions you write
 * in mpiwork.c, and the work they share out.
 *
 * Every function is called on every rank of `comm` at once (an MPI program
 * is one program run as P processes, the ranks, which share no memory and
 * talk only by messages).
 *
 * The reduction counts the Collatz steps of every integer from 1 to n
 * (mpiwork_steps(), summed), each rank its own share of the range. The
 * shares are as equal as whole numbers allow: with n = 10 on 3 ranks, 4,
 * 3 and 3 integers. Three ways to bring the counts together:
 *
 * - steps_star(): every rank but 0 sends its count to rank 0 with MPI_Send,
 *   and rank 0 receives them one by one with MPI_Recv and adds its own;
 * - steps_reduce(): one MPI_Reduce to rank 0, which combines the counts
 *   along a tree;
 * - steps_allreduce(): one MPI_Allreduce, after which every rank has the
 *   total.
 *
 * The counts are integers (MPI_UINT64_T, MPI_SUM): the total is exact, in
 * whatever order the ranks' counts are added.
 *
 * The heat equation runs on a grid of `cols` columns whose rows are split
 * among the ranks, in order: rank 0 has the top rows, the last rank the
 * bottom ones. Each rank holds its `rows` rows plus one ghost row above
 * and one below, `(rows + 2) * cols` doubles in all, row after row. Before
 * each step a rank sends its first row up (to rank - 1) and its last row
 * down (to rank + 1), and receives its neighbours' rows into its ghost
 * rows; the top rank has no neighbour above and the bottom rank none
 * below: their outer ghost rows are the grid's fixed boundary, which the
 * kit sets and nothing changes. Then every cell of the rank's rows but the
 * first and last column (also fixed) takes its new value from
 * mpiwork_heat_cell(), all of them from the values before the step.
 */
#ifndef MPIWORK_H
#define MPIWORK_H

#include <mpi.h>
#include <stdint.h>

/** The tag of a row sent up, to the rank above (rank - 1). */
#define MPIWORK_TAG_UP 1
/** The tag of a row sent down, to the rank below (rank + 1). */
#define MPIWORK_TAG_DOWN 2

/** The steps of the Collatz sequence from @p x down to 1 (x -> x / 2 when
 * x is even, 3x + 1 when odd); 0 for 0 and 1. */
static inline uint64_t
mpiwork_steps(uint64_t x)
{
    uint64_t steps = 0;

    while (x > 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        steps++;
    }
    return steps;
}

/** The heat equation's new value of a cell: column @p c of the row @p mid,
 * between the rows @p up and @p down (explicit 5-point step, diffusion
 * 0.2). Computed the same way on every rank and in the kit's serial
 * reference, so that the grid comes out equal to the bit. */
static inline double
mpiwork_heat_cell(const double *up, const double *mid, const double *down,
                  long c)
{
    return mid[c] +
           0.2 * (up[c] + down[c] + mid[c - 1] + mid[c + 1] - 4.0 * mid[c]);
}

/** Count the steps of 1..n over the ranks of @p comm; rank 0 collects the
 * counts with MPI_Recv. @return the total on rank 0, 0 on the others. */
uint64_t steps_star(long n, MPI_Comm comm);

/** The same with MPI_Reduce to rank 0. @return the total on rank 0, 0 on
 * the others. */
uint64_t steps_reduce(long n, MPI_Comm comm);

/** The same with MPI_Allreduce. @return the total, on every rank. */
uint64_t steps_allreduce(long n, MPI_Comm comm);

/** Run @p steps steps of the heat equation on this rank's @p rows rows of
 * @p cols columns in @p grid (with its two ghost rows, as above),
 * exchanging ghost rows with the neighbouring ranks before each step.
 * @return 0, or -1 if memory ran out. */
int heat_run(double *grid, long rows, long cols, int steps, MPI_Comm comm);

#endif
