/* SPDX-License-Identifier: MIT */
/**
 * @file kit_busywait.h
 * @brief What a lab's waiter program hands the grader's busy-wait test.
 *
 * A waiter program makes the student's code wait with nothing to do, phase
 * by phase, and measures the wall time and the CPU time each phase took.
 * The grader's `busywait` kind reads the record: one line per phase,
 * `busywait: phase=NAME wall_ns=N cpu_ns=N`, then `busywait: phases=N`.
 */
#ifndef KIT_BUSYWAIT_H
#define KIT_BUSYWAIT_H

#include <stdint.h>

/** One phase of a waiter program, measured. */
struct kit_busywait_phase {
    const char *name; /**< one word: the record splits at spaces */
    int64_t wall_ns;  /**< how long the phase took */
    int64_t cpu_ns;   /**< the CPU time used meanwhile */
};

/**
 * Write the record of @p n phases (kit_record.h), and for a reader one line
 * per phase on stderr: "PROGRAM: NAME  K WORKERS: wall, CPU, cores busy".
 * @p workers is what the phases ran with, @p what its unit ("threads",
 * "processes").
 * @return 0, or -1 when the record could not be written (said on stderr)
 */
int kit_busywait_report(const char *program,
                        const struct kit_busywait_phase *phases, int n,
                        int workers, const char *what);

#endif
