/* SPDX-License-Identifier: MIT */
/**
 * @file kit_record.h
 * @brief Where a kit program hands the grader its measurements.
 *
 * A lab's bench and waiter programs measure the student's code and report
 * what they measured in a record, lines of `key=value` fields. Run by the
 * grader, the record goes to the descriptor named by the environment
 * variable KIT_RECORD_FD, a pipe only the grader reads: nothing the
 * student's code prints on the program's output can pass for it, and the
 * grader refuses a run whose pipe holds anything but the one record it
 * expects. Run by hand, the record goes to stdout.
 */
#ifndef KIT_RECORD_H
#define KIT_RECORD_H

#include <stdio.h>

/**
 * The record's stream: the grader's pipe, or stdout. Exits with a message
 * when KIT_RECORD_FD names no descriptor that can be written.
 */
FILE *kit_record_stream(void);

#endif
