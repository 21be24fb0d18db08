/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the kit's serial references. Kit-owned: bench and the
 * grader measure your speedup against this code, built with the same flags
 * as yours. */
#include "serial.h"

double
sum_serial(double (*f)(long), long n)
{
    double sum = 0.0;

    for (long i = 0; i < n; i++)
        sum += f(i);
    return sum;
}

void
map_serial(double (*f)(long), const long *items, long nitems, double *results)
{
    for (long i = 0; i < nitems; i++)
        results[i] = f(items[i]);
}
