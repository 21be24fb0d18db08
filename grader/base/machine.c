/* SPDX-License-Identifier: MIT */
/* The grader's base: the machine (see machine.h), from libkit's topology. */
#include "base/machine.h"
#include "base/format.h"

#include "kit_topology.h"

#include <stdio.h>
#include <string.h>

void
machine_probe(struct machine_info *m)
{
    struct kit_topology topo;
    char err[100];

    memset(m, 0, sizeof(*m));
    if (kit_topology_probe(&topo, err, sizeof(err)) != 0) {
        snprintf(m->cpu_model, sizeof(m->cpu_model), "unknown (%s)", err);
        m->usable_cpus = 1;
        return;
    }
    snprintf(m->cpu_model, sizeof(m->cpu_model), "%s", topo.cpu_model);
    m->usable_cpus = topo.usable_cpus;
    m->physical_cores = topo.machine.cores;
    m->logical_cpus = topo.machine.pus;
    m->cpu_quota = topo.cpu_quota;
}

void
machine_describe(struct text *t, const struct machine_info *m)
{
    char quota[32];

    text_add(t, m->cpu_model[0] != '\0' ? m->cpu_model : "unknown CPU");
    text_addf(t, ": %d usable CPU%s (%d physical core%s, %d logical CPU%s)",
              m->usable_cpus, m->usable_cpus == 1 ? "" : "s", m->physical_cores,
              m->physical_cores == 1 ? "" : "s", m->logical_cpus,
              m->logical_cpus == 1 ? "" : "s");
    if (m->cpu_quota > 0) {
        format_points(m->cpu_quota, quota, sizeof(quota));
        text_addf(t, ", CPU quota %s", quota);
    }
}
