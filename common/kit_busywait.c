/* SPDX-License-Identifier: MIT */
/* libkit: a waiter program's busy-wait record (see kit_busywait.h). */
#include "kit_busywait.h"
#include "kit_record.h"
#include "kit_time.h"

#include <stdio.h>

void
kit_busywait_phase(const char *program, const char *name, int64_t wall_ns,
                   int64_t cpu_ns, int workers, const char *what)
{
    fprintf(kit_record_stream(),
            "busywait: phase=%s wall_ns=%lld cpu_ns=%lld\n", name,
            (long long)wall_ns, (long long)cpu_ns);
    fprintf(stderr,
            "%s: %-12s %d %s: wall %.1f ms, CPU %.1f ms: %.3f cores busy on "
            "average\n",
            program, name, workers, what, kit_ns_to_ms(wall_ns),
            kit_ns_to_ms(cpu_ns),
            wall_ns > 0 ? (double)cpu_ns / (double)wall_ns : 0.0);
}

int
kit_busywait_end(const char *program, int n)
{
    FILE *record = kit_record_stream();

    fprintf(record, "busywait: phases=%d\n", n);
    if (fflush(record) != 0) {
        fprintf(stderr, "%s: the record could not be written\n", program);
        return -1;
    }
    return 0;
}
