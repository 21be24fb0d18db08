/* SPDX-License-Identifier: MIT */
/**
 * @file kit_time.h
 * @brief Wall-clock and CPU-time readings for timing lab code.
 *
 * Wall time comes from CLOCK_MONOTONIC, which never jumps when the system
 * clock is set. CPU time is what the kernel charged: for the whole process
 * it adds up every thread, so CPU time ÷ wall time shows how many cores were
 * really busy (about 4 for four threads that ran in parallel, about 1 if they
 * took turns, well above the useful work if a thread spins while waiting).
 */
#ifndef KIT_TIME_H
#define KIT_TIME_H

#include <stdint.h>

/** Nanoseconds on the monotonic clock, from an arbitrary fixed start. */
int64_t kit_now_ns(void);

/** CPU nanoseconds used so far by all threads of this process. */
int64_t kit_process_cpu_ns(void);

/** CPU nanoseconds used so far by the calling thread. */
int64_t kit_thread_cpu_ns(void);

/** CPU nanoseconds used by this process's children that have been waited for.
 */
int64_t kit_children_cpu_ns(void);

/** Nanoseconds to milliseconds, for printing. */
static inline double
kit_ns_to_ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/** Nanoseconds to seconds, for printing and rates. */
static inline double
kit_ns_to_s(int64_t ns)
{
    return (double)ns / 1e9;
}

/** A stopwatch: the wall and process CPU time at its start. */
struct kit_stopwatch {
    int64_t wall_start_ns; /**< kit_now_ns() when started */
    int64_t cpu_start_ns;  /**< process and children's CPU time when started */
};

/** What a stopwatch measured between its start and kit_stopwatch_stop(). */
struct kit_elapsed {
    int64_t wall_ns; /**< wall time elapsed */
    int64_t cpu_ns;  /**< CPU time used by all threads of the process, and by
                          its children waited for in between */
};

/** Start @p sw now. */
void kit_stopwatch_start(struct kit_stopwatch *sw);

/** The wall and CPU time since @p sw was started. */
struct kit_elapsed kit_stopwatch_stop(const struct kit_stopwatch *sw);

/**
 * CPU time over wall time: the average number of cores kept busy.
 * @return 0 when no wall time elapsed
 */
static inline double
kit_elapsed_cores(struct kit_elapsed e)
{
    return e.wall_ns > 0 ? (double)e.cpu_ns / (double)e.wall_ns : 0.0;
}

#endif
