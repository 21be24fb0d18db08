/* SPDX-License-Identifier: MIT */
/**
 * @file kit_topology.h
 * @brief How many cores this process can really use, and what they are.
 *
 * A machine's CPU count is not what a program may use: the affinity mask
 * (`taskset`, a batch scheduler) and a cgroup's cpuset (a container) leave it
 * fewer CPUs, and a cgroup CPU quota (`docker --cpus=1.5`, many CI runners)
 * lets it run only so many CPUs' worth of time. The grader sizes its
 * measurements by kit_topology::usable_cpus so that a verdict means the same
 * on a 2-core CI runner and on a 64-core server.
 *
 * Counts come from hwloc, which reads the machine's real topology (or a
 * synthetic one, for tests): packages (sockets), physical cores, logical
 * processors (hardware threads, "PUs" in hwloc's words), NUMA nodes, caches.
 */
#ifndef KIT_TOPOLOGY_H
#define KIT_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

/** Counts of topology objects inside one set of logical CPUs. */
struct kit_topology_counts {
    int packages;         /**< packages (sockets) with a CPU in the set */
    int cores;            /**< physical cores with a CPU in the set; 0 where the
                               system does not say (some virtual machines) */
    int pus;              /**< logical CPUs (hardware threads) in the set */
    int numa_nodes;       /**< NUMA nodes whose CPUs meet the set */
    int threads_per_core; /**< most hardware threads of one core in the set */
};

/** What kit_topology_probe() found about this machine and process. */
struct kit_topology {
    /** The whole machine, as far as the system lets hwloc see it. */
    struct kit_topology_counts machine;
    /** Inside this thread's affinity mask and the cgroup's allowed CPUs. */
    struct kit_topology_counts usable_set;
    /** CPUs online, from sysconf(_SC_NPROCESSORS_ONLN). */
    int online_cpus;
    /** The cgroup v2 `cpu.max` quota in CPUs (1.5 = one and a half), or 0
     * when no quota applies. */
    double cpu_quota;
    /** The number to size parallel work by: usable_set.pus, lowered to the
     * whole CPUs of cpu_quota when one is set; never below 1. */
    int usable_cpus;
    /** Bytes of the L1 data, L2 and L3 cache seen by the first usable CPU,
     * indexed by level (index 0 unused); 0 where the level is absent. */
    uint64_t cache_bytes[4];
    /** The processor's model name, or "unknown CPU". */
    char cpu_model[128];
};

/**
 * Probe this machine and this thread's binding.
 * @param out    receives what was found
 * @param err    receives a one-line reason on failure
 * @param errlen size of @p err
 * @return 0, or -1 when hwloc could not load the topology
 */
int kit_topology_probe(struct kit_topology *out, char *err, size_t errlen);

/**
 * Count a synthetic hwloc topology, as a test or a lesson would: no system
 * is read, the affinity mask and quota play no part.
 *
 * @param description hwloc's synthetic syntax, e.g. "pack:2 core:8 pu:2"
 * @param cpulist     the logical CPUs to count inside, as a list like "0-3,8"
 *                    (the indexes hwloc gives the synthetic PUs), or NULL for
 *                    all of them
 * @param out         receives the counts
 * @param err         receives a one-line reason on failure
 * @param errlen      size of @p err
 * @return 0, or -1 with a reason in @p err
 */
int kit_topology_synthetic(const char *description, const char *cpulist,
                           struct kit_topology *out, char *err, size_t errlen);

/**
 * The usable CPUs of kit_topology_probe(), for sizing thread pools; exits
 * with a message if the topology cannot be read.
 */
int kit_usable_cpus(void);

/**
 * The CPU quota of the process's cgroup: the smallest limit of its cgroup
 * and every cgroup above it, from cgroup v2's `cpu.max` or cgroup v1's
 * `cpu.cfs_quota_us` over `cpu.cfs_period_us`.
 *
 * @param cgroup_root where cgroups are mounted, normally "/sys/fs/cgroup"
 *                    (v1 controllers below it as cpu/ or cpu,cpuacct/)
 * @param proc_cgroup the process's cgroup file, normally "/proc/self/cgroup"
 * @return the quota in CPUs, or 0 when there is none
 */
double kit_cgroup_cpu_quota(const char *cgroup_root, const char *proc_cgroup);

/**
 * How many periods the CPU quota has throttled the process's cgroup and
 * those above it so far (`nr_throttled` of `cpu.stat`, v2 or v1). A change
 * between two readings means the quota slowed whatever ran in between.
 *
 * @param cgroup_root as for kit_cgroup_cpu_quota()
 * @param proc_cgroup as for kit_cgroup_cpu_quota()
 * @return the sum of nr_throttled, 0 where nothing is known
 */
long kit_cgroup_throttled(const char *cgroup_root, const char *proc_cgroup);

/**
 * Lower a count of usable CPUs to a CPU quota's whole CPUs (at least 1).
 * @param cpus  CPUs in the affinity mask
 * @param quota quota in CPUs, 0 for none
 */
int kit_cap_by_quota(int cpus, double quota);

#endif
