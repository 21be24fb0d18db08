/* SPDX-License-Identifier: MIT */
/* libkit: a waiter program's busy-wait record (see kit_busywait.h). */
#include "kit_busywait.h"
#include "kit_record.h"
#include "kit_time.h"

#include <stdio.h>

int
kit_busywait_report(const char *program,
                    const struct kit_busywait_phase *phases, int n, int workers,
                    const char *what)
{
    FILE *record = kit_record_stream();

    for (int i = 0; i < n; i++) {
        const struct kit_busywait_phase *p = &phases[i];
        fprintf(record, "busywait: phase=%s wall_ns=%lld cpu_ns=%lld\n",
                p->name, (long long)p->wall_ns, (long long)p->cpu_ns);
        fprintf(stderr,
                "%s: %-12s %d %s: wall %.1f ms, CPU %.1f ms: %.3f cores busy "
                "on average\n",
                program, p->name, workers, what, kit_ns_to_ms(p->wall_ns),
                kit_ns_to_ms(p->cpu_ns),
                p->wall_ns > 0 ? (double)p->cpu_ns / (double)p->wall_ns : 0.0);
    }
    fprintf(record, "busywait: phases=%d\n", n);
    if (fflush(record) != 0) {
        fprintf(stderr, "%s: the record could not be written\n", program);
        return -1;
    }
    return 0;
}
