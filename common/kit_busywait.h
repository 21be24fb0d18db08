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

/**
 * Add one phase to the record (kit_record.h): its name (one word: the
 * record splits at spaces), its wall time and the CPU time used meanwhile;
 * and for a reader, a line on stderr: "PROGRAM: NAME  K WORKERS: wall, CPU,
 * cores busy", with @p workers what the phase ran with and @p what their
 * unit ("threads", "processes").
 */
void kit_busywait_phase(const char *program, const char *name, int64_t wall_ns,
                        int64_t cpu_ns, int workers, const char *what);

/**
 * End the record after its @p n phases.
 * @return 0, or -1 when the record could not be written (said on stderr)
 */
int kit_busywait_end(const char *program, int n);

#endif
