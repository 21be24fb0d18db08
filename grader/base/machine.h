/* SPDX-License-Identifier: MIT */
/* The grader's base: the machine a grade is measured on, probed once per
 * run and said one way in every report. */
#ifndef GRADER_BASE_MACHINE_H
#define GRADER_BASE_MACHINE_H

#include "base/text.h"

/** The machine, as the reports and the speedup protocol read it. */
struct machine_info {
    char cpu_model[128];
    int usable_cpus; /* the affinity mask, capped by a CPU quota */
    int physical_cores;
    int logical_cpus;
    double cpu_quota; /* 0: none */
};

/* Probe this machine and the grader's binding. Never fails: a machine that
 * hwloc cannot read is "unknown (why)" with one usable CPU. */
void machine_probe(struct machine_info *m);

/* "AMD EPYC: 2 usable CPUs (2 physical cores, 2 logical CPUs), CPU quota
 * 1.5", unescaped. */
void machine_describe(struct text *t, const struct machine_info *m);

#endif
