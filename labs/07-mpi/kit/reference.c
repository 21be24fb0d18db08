/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the kit's serial references (reference.h). */
#include "reference.h"
#include "kit_rng.h"
#include "mpiwork.h"

#include <stdlib.h>
#include <string.h>

uint64_t
reference_steps(long n)
{
    uint64_t total = 0;

    for (long x = 1; x <= n; x++)
        total += mpiwork_steps((uint64_t)x);
    return total;
}

double
reference_heat_start(long g, long rows, long c, long cols, uint64_t seed)
{
    struct kit_rng rng;

    if (g < 0)
        return 1.0; /* a hot edge above */
    if (g >= rows)
        return 0.0; /* a cold one below */
    if (c == 0 || c == cols - 1)
        return 0.5;
    /* Any cell's value without making the cells before it. */
    kit_rng_seed(&rng, seed, (uint64_t)(g * cols + c));
    return kit_rng_double(&rng);
}

void
reference_heat_fill(double *out, long first, long count, long rows, long cols,
                    uint64_t seed)
{
    for (long i = 0; i < count + 2; i++)
        for (long c = 0; c < cols; c++)
            out[i * cols + c] =
                reference_heat_start(first - 1 + i, rows, c, cols, seed);
}

int
reference_heat(double *grid, long rows, long cols, int steps)
{
    size_t bytes = (size_t)((rows + 2) * cols) * sizeof(double);
    double *next = malloc(bytes);

    if (next == NULL)
        return -1;
    memcpy(next, grid, bytes);
    for (int s = 0; s < steps; s++) {
        for (long r = 1; r <= rows; r++)
            for (long c = 1; c < cols - 1; c++)
                next[r * cols + c] =
                    mpiwork_heat_cell(&grid[(r - 1) * cols], &grid[r * cols],
                                      &grid[(r + 1) * cols], c);
        memcpy(grid, next, bytes);
    }
    free(next);
    return 0;
}

void
reference_share(long n, int r, int size, long *first, long *count)
{
    long base = n / size, extra = n % size;

    *first = r * base + (r < extra ? r : extra);
    *count = base + (r < extra ? 1 : 0);
}

double
reference_sum(const double *cells, long n)
{
    double sum = 0;

    for (long i = 0; i < n; i++)
        sum += cells[i];
    return sum;
}
