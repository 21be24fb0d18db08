/* SPDX-License-Identifier: MIT */
/**
 * @file cores.h
 * @brief Lab 01 "How many cores?": the functions you write in cores.c.
 *
 * Two questions have different answers on most machines: how many CPUs does
 * the machine have, and how many may this process use? The first two
 * functions ask the operating system. The others read an hwloc topology (the
 * machine's, or a synthetic one in the tests) and count what lies inside a
 * set of logical CPUs, such as the process's binding.
 *
 * Words as hwloc uses them: a *package* is a chip in a socket; a *core* is
 * a physical core; a *PU* (processing unit) is a logical CPU, one hardware
 * thread of a core. A core with hyperthreading (SMT) has two or more PUs.
 */
#ifndef CORES_H
#define CORES_H

#include <hwloc.h>
#include <stdint.h>

/**
 * Logical CPUs the operating system has online, whoever may use them.
 * @return the count, or -1 if it cannot be found
 */
int cores_online(void);

/**
 * Logical CPUs in the calling thread's affinity mask: the ones the scheduler
 * may run it on, which `taskset` and containers can restrict.
 * @return the count, or -1 if it cannot be found
 */
int cores_usable(void);

/**
 * Packages (sockets) with at least one PU in @p within.
 * @param topo   a loaded hwloc topology
 * @param within the logical CPUs to count inside
 */
int cores_packages(hwloc_topology_t topo, hwloc_const_cpuset_t within);

/** Physical cores with at least one PU in @p within. */
int cores_physical(hwloc_topology_t topo, hwloc_const_cpuset_t within);

/** Logical processors (PUs) in @p within that exist in @p topo. */
int cores_logical(hwloc_topology_t topo, hwloc_const_cpuset_t within);

/**
 * Hardware threads per core: the most PUs of @p within that any one core
 * holds (2 on a typical hyperthreaded core whose both threads are usable).
 */
int cores_threads_per_core(hwloc_topology_t topo, hwloc_const_cpuset_t within);

/** NUMA nodes whose CPUs include at least one PU of @p within. */
int cores_numa_nodes(hwloc_topology_t topo, hwloc_const_cpuset_t within);

/**
 * Size in bytes of the level-@p level data (or unified) cache above the first
 * PU of @p within; level 1 means L1d.
 * @return the size, or 0 when there is no such cache
 */
uint64_t cores_cache_size(hwloc_topology_t topo, hwloc_const_cpuset_t within,
                          int level);

#endif
