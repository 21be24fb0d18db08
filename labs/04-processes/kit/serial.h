/* SPDX-License-Identifier: MIT */
/**
 * @file serial.h
 * @brief Lab 04 "Processes": the kit's serial references, which your
 * process-parallel functions must agree with.
 *
 * Kit-owned: nothing to edit here. bench times sum_serial() as the base of
 * your speedup, and the grader does the same with its own copy.
 */
#ifndef SERIAL_H
#define SERIAL_H

/**
 * The sum `f(0) + f(1) + ... + f(n - 1)`, added in that order, in the
 * calling process.
 * @param f the function to sum
 * @param n number of terms, at least 1
 * @return the sum
 */
double sum_serial(double (*f)(long), long n);

/**
 * `results[i] = f(items[i])` for i = 0, ..., @p nitems - 1, one after
 * another in the calling process: what pool_map() computes in parallel.
 * @param f       the work function
 * @param items   @p nitems inputs
 * @param nitems  number of items, 0 or more
 * @param results @p nitems entries; receives the results
 */
void map_serial(double (*f)(long), const long *items, long nitems,
                double *results);

#endif
