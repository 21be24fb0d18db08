/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": prints what your functions in cores.c find, in
 * sentences, for this machine or a synthetic one (-S). Kit-owned. */
#include "cores.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
usage(FILE *to)
{
    fprintf(to,
            "usage: report [-h] [-S description] [-c cpus]\n"
            "Describe this machine's CPUs with the functions of cores.c.\n\n"
            "  -S description  a synthetic machine instead of this one,\n"
            "                  e.g. -S 'pack:2 core:8 pu:2'\n"
            "  -c cpus         count inside these logical CPUs, e.g. -c 0-3\n"
            "                  (default: this process's binding)\n"
            "  -h              show this help\n");
}

/* "1 package" / "2 packages"; a function not written yet shows as "?". */
static void
say(long n, const char *one, const char *many)
{
    const char *noun = n == 1 ? one : many;

    if (n < 0)
        printf("?%s%s", *many ? " " : "", many);
    else
        printf("%ld%s%s", n, *noun ? " " : "", noun);
}

static void
print_size(uint64_t bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        printf("%llu MiB", (unsigned long long)(bytes >> 20));
    else if (bytes >= 1024)
        printf("%llu KiB", (unsigned long long)(bytes >> 10));
    else
        printf("%llu bytes", (unsigned long long)bytes);
}

static void
describe(hwloc_topology_t topo, hwloc_const_cpuset_t set)
{
    int packages = cores_packages(topo, set);
    int cores = cores_physical(topo, set);
    int per_core = cores_threads_per_core(topo, set);
    int pus = cores_logical(topo, set);

    say(packages, "package", "packages");
    printf(", ");
    say(cores, "physical core", "physical cores");
    printf(", ");
    say(per_core, "hardware thread", "hardware threads");
    printf(" each: ");
    say(pus, "logical CPU", "logical CPUs");
}

int
main(int argc, char **argv)
{
    const char *synthetic = NULL, *cpus = NULL;
    hwloc_topology_t topo;
    hwloc_bitmap_t set;
    int opt, status = EXIT_FAILURE;

    while ((opt = getopt(argc, argv, "hS:c:")) != -1) {
        switch (opt) {
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        case 'S':
            synthetic = optarg;
            break;
        case 'c':
            cpus = optarg;
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "report: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    if (hwloc_topology_init(&topo) != 0) {
        fprintf(stderr, "report: hwloc_topology_init failed\n");
        return EXIT_FAILURE;
    }
    if (synthetic != NULL &&
        hwloc_topology_set_synthetic(topo, synthetic) != 0) {
        fprintf(stderr,
                "report: hwloc cannot read the synthetic machine '%s'\n",
                synthetic);
        hwloc_topology_destroy(topo);
        return 2;
    }
    if (hwloc_topology_load(topo) != 0) {
        fprintf(stderr, "report: hwloc_topology_load failed\n");
        hwloc_topology_destroy(topo);
        return EXIT_FAILURE;
    }
    set = hwloc_bitmap_alloc();
    if (set == NULL) {
        fprintf(stderr, "report: out of memory\n");
        goto out;
    }
    if (cpus != NULL) {
        if (hwloc_bitmap_list_sscanf(set, cpus) != 0) {
            fprintf(stderr, "report: -c %s is not a CPU list like 0-3,8\n",
                    cpus);
            status = 2;
            goto out;
        }
        hwloc_bitmap_and(set, set, hwloc_topology_get_topology_cpuset(topo));
    } else if (synthetic != NULL) {
        hwloc_bitmap_copy(set, hwloc_topology_get_topology_cpuset(topo));
    } else if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_THREAD) != 0) {
        fprintf(stderr, "report: cannot read this process's binding\n");
        goto out;
    }

    printf("%s: ", synthetic != NULL ? "Synthetic machine" : "This machine");
    describe(topo, hwloc_topology_get_topology_cpuset(topo));
    if (synthetic == NULL) {
        printf(", of which this process may use ");
        say(cores_usable(), "", "");
        printf(".\nThe operating system has ");
        say(cores_online(), "CPU", "CPUs");
        printf(" online");
    }
    printf(".\n");
    if (cpus != NULL || synthetic == NULL) {
        char *list;
        if (hwloc_bitmap_list_asprintf(&list, set) < 0) {
            fprintf(stderr, "report: out of memory\n");
            goto out;
        }
        printf("Inside %s (CPUs %s): ",
               cpus != NULL ? "the CPUs asked for" : "this process's binding",
               list);
        free(list);
        describe(topo, set);
        printf(".\n");
    }
    say(cores_numa_nodes(topo, set), "NUMA node", "NUMA nodes");
    printf(". Caches above the first CPU:");
    for (int level = 1; level <= 3; level++) {
        uint64_t size = cores_cache_size(topo, set, level);
        printf(" L%d%s ", level, level == 1 ? "d" : "");
        if (size == 0)
            printf("none");
        else
            print_size(size);
        printf(level < 3 ? "," : ".\n");
    }
    if (cores_physical(topo, set) < 0)
        printf("(A ? is a count cores.c does not compute yet.)\n");
    status = EXIT_SUCCESS;
out:
    hwloc_bitmap_free(set);
    hwloc_topology_destroy(topo);
    return status;
}
