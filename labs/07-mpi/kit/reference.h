/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the kit's serial references, which every
 * result of mpiwork is checked against, and the grids they start from.
 * Kit-owned: nothing to edit here. */
#ifndef REFERENCE_H
#define REFERENCE_H

#include <stdint.h>

/* The Collatz steps of 1..n, one after the other. */
uint64_t reference_steps(long n);

/* The grid of the heat equation: `rows` rows of `cols` columns inside a
 * fixed boundary (a row above, a row below, the first and last column).
 * Global row g runs from -1 (the boundary above) to rows (the one below). */
double reference_heat_start(long g, long rows, long c, long cols,
                            uint64_t seed);

/* Fill `out` with global rows first - 1 to first + count of the starting
 * grid: `count` rows and the row on each side ((count + 2) * cols). */
void reference_heat_fill(double *out, long first, long count, long rows,
                         long cols, uint64_t seed);

/* The whole grid after `steps` steps, computed serially: `grid` holds the
 * (rows + 2) * cols starting values (reference_heat_fill(grid, 0, rows,
 * ...)) and is updated in place. Returns 0, or -1 if memory ran out. */
int reference_heat(double *grid, long rows, long cols, int steps);

/* The sum of `n` cells, in order: the bench's result, the same double for
 * the same grid whoever sums it (the serial run, rank 0 of a parallel one). */
double reference_sum(const double *cells, long n);

/* Rank r's share of `n` things among `size` ranks: the first n % size
 * ranks one more. */
void reference_share(long n, int r, int size, long *first, long *count);

#endif
