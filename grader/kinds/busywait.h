/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: what the busywait kind reads of its program's
 * output, for the kind (busywait.c) and its unit test. */
#ifndef GRADER_KINDS_BUSYWAIT_H
#define GRADER_KINDS_BUSYWAIT_H

/* Read "busywait: wall_ns=N cpu_ns=N" from the last such line of `output`.
 * Returns 0, or -1 when there is none. */
int busywait_parse(const char *output, double *wall_ns, double *cpu_ns);

#endif
