/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the record the busywait kind's program hands
 * the grader (kit_record.h), for the kind (busywait.c) and its unit test:
 * one line per phase in which the student's code should only wait,
 * "busywait: phase=NAME wall_ns=N cpu_ns=N", then "busywait: phases=K".
 * Exactly that and nothing else, or the run does not count. */
#ifndef GRADER_KINDS_BUSYWAIT_H
#define GRADER_KINDS_BUSYWAIT_H

#include <stddef.h>

#define BUSYWAIT_MAX_PHASES 16

struct busywait_phase {
    char name[32];
    double wall_ns, cpu_ns;
};

struct busywait_record {
    struct busywait_phase phases[BUSYWAIT_MAX_PHASES];
    int n;
};

/* Read the record from what the channel held (`len` bytes). Returns 0, or
 * -1 with what is wrong with it in `why`. */
int busywait_parse(const char *text, size_t len, struct busywait_record *rec,
                   char *why, size_t whylen);

#endif
