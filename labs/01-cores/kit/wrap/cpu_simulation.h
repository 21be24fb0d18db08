/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": machines the test runs on without having them.
 * The test binary is linked with -Wl,--wrap=sysconf and
 * -Wl,--wrap=sched_getaffinity, so that cores.c's calls to them go through
 * cpu_simulation.c; until a simulate_ function is called, they go straight
 * to the real ones. */
#ifndef CPU_SIMULATION_H
#define CPU_SIMULATION_H

/* From now on, sysconf says the machine has `configured` CPUs, of which
 * `online` are online (the rest taken offline, as by
 * /sys/devices/system/cpu/cpuN/online). */
void simulate_cpus_online(long online, long configured);

/* From now on, the machine has `cpus` CPUs (more than a cpu_set_t holds),
 * and this thread's mask holds the first `usable` of them:
 * sched_getaffinity fails with EINVAL for a set smaller than `cpus` bits,
 * as the kernel does, and fills a larger one. */
void simulate_affinity(int cpus, int usable);

/* How many calls the simulation has answered since it began: 0 when the
 * code under test found its counts another way (get_nprocs, /sys, hwloc),
 * which the simulation cannot reach. */
long simulated_calls(void);

#endif
