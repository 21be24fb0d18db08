/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the mpirun command line (see launch.h). */
#include "launch.h"

#include <stdlib.h>

void
launch_allow_root(void)
{
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
}

size_t
launch_argv(char **argv, const char *np, const char *program)
{
    /* More ranks than cores allowed, none pinned to a core (the kernel
     * places them, as it places threads); messages through shared memory
     * (the ob1 layer over the vader transport), copied in two steps, which
     * needs no right to read another process's memory. The transports for
     * networks this machine does not have are not even tried: probing
     * them (UCX, libfabric, PSM2) doubles the time a launch takes. */
    static char *const options[] = {
        "mpirun",        "--oversubscribe", "--bind-to",
        "none",          "--mca",           "pml",
        "ob1",           "--mca",           "btl",
        "self,vader",    "--mca",           "btl_vader_single_copy_mechanism",
        "none",          "--mca",           "mtl",
        "^ofi,psm,psm2", "--mca",           "osc",
        "^ucx",
    };
    size_t n = 0;

    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
        argv[n++] = options[i];
    argv[n++] = "-np";
    argv[n++] = (char *)np;
    argv[n++] = (char *)program;
    return n;
}
