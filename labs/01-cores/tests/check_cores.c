/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": public tests. Counts are checked on synthetic
 * machines that hwloc builds from a description, so they pass on any real
 * machine; the affinity tests restrict this process's mask themselves. */
#define _GNU_SOURCE /* sched_setaffinity and the CPU_* macros */
#include "cores.h"
#include "cpu_simulation.h"
#include "kit_hidden.h"
#include "kit_sanitizer.h"
#include "kit_topology.h"

#include <check.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* A synthetic machine, the CPUs to count inside, and the right answers. */
struct machine {
    const char *description; /* hwloc's synthetic syntax */
    const char *cpus;        /* CPU list to count inside; NULL for all */
    int packages, cores, pus, threads_per_core, numa_nodes;
    uint64_t l1, l2, l3; /* 0: the description has no such cache */
};

static const struct machine machines[] = {
    /* A two-socket server, 8 cores each, hyperthreaded. */
    {"pack:2 core:8 pu:2", NULL, 2, 16, 32, 2, 1, 0, 0, 0},
    /* A laptop chip without SMT. */
    {"pack:1 core:4 pu:1", NULL, 1, 4, 4, 1, 1, 0, 0, 0},
    /* Each socket with its own memory: two NUMA nodes. */
    {"pack:2 [numa] core:4 pu:2", NULL, 2, 8, 16, 2, 2, 0, 0, 0},
    /* Four NUMA nodes of one socket each, no SMT. */
    {"pack:4 [numa] core:6 pu:1", NULL, 4, 24, 24, 1, 4, 0, 0, 0},
    /* A desktop chip with its caches: L3 shared, L2 and L1d per core. */
    {"pack:1 l3:1(size=33554432) l2:8(size=1048576) l1d:1(size=49152) "
     "core:1 pu:2",
     NULL, 1, 8, 16, 2, 1, 49152, 1048576, 33554432},
    /* A four-way SMT core, as on some POWER processors. */
    {"pack:1 core:2 pu:4", NULL, 1, 2, 8, 4, 1, 0, 0, 0},
    /* As lstopo shows a real machine: each core's L1i beside its L1d, and
     * nearer the core, so the first level-1 cache above a PU is the L1i. */
    {"pack:1 l2:2(size=1048576) l1d:1(size=49152) l1i:1(size=32768) core:1 "
     "pu:2",
     NULL, 1, 2, 4, 2, 1, 49152, 1048576, 0},
};

/* The same machines, counted inside part of their CPUs, as a process bound
 * with taskset or a container would see them. */
static const struct machine bindings[] = {
    /* Both threads of cores 0 and 1 of socket 0. */
    {"pack:2 core:8 pu:2", "0-3", 1, 2, 4, 2, 1, 0, 0, 0},
    /* One thread of each of three cores. */
    {"pack:2 core:8 pu:2", "0,2,4", 1, 3, 3, 1, 1, 0, 0, 0},
    /* The first CPU of each socket. */
    {"pack:2 core:8 pu:2", "0,16", 2, 2, 2, 1, 1, 0, 0, 0},
    /* The second socket, and so only the second NUMA node. */
    {"pack:2 [numa] core:4 pu:2", "8-15", 1, 4, 8, 2, 1, 0, 0, 0},
    /* One hardware thread: caches are still those above it. */
    {"pack:1 l3:1(size=33554432) l2:8(size=1048576) l1d:1(size=49152) "
     "core:1 pu:2",
     "5", 1, 1, 1, 1, 1, 49152, 1048576, 33554432},
    /* Uneven bindings, where the cores inside hold different numbers of
     * usable threads: the most any one holds is not the average. Three of
     * the four threads of a two-way machine: */
    {"pack:1 core:2 pu:2", "0-2", 1, 2, 3, 2, 1, 0, 0, 0},
    /* ... the same three, the lone thread first: */
    {"pack:1 core:2 pu:2", "1-3", 1, 2, 3, 2, 1, 0, 0, 0},
    /* one core of two threads among three of one (1.25 on average): */
    {"pack:1 core:4 pu:2", "0,2,3,4,6", 1, 4, 5, 2, 1, 0, 0, 0},
    /* a four-way core whole, and one thread of the next: */
    {"pack:1 core:2 pu:4", "0-4", 1, 2, 5, 4, 1, 0, 0, 0},
    /* across sockets: both threads of a core on one, one on the other: */
    {"pack:2 core:8 pu:2", "0,1,16", 2, 2, 3, 2, 1, 0, 0, 0},
};

static hwloc_topology_t topo;
static hwloc_bitmap_t within;

/* Load the synthetic machine and the set of CPUs to count inside. */
static void
load(const struct machine *m)
{
    ck_assert_int_eq(hwloc_topology_init(&topo), 0);
    /* hwloc leaves instruction caches out unless asked to keep them. */
    if (strstr(m->description, "l1i") != NULL)
        ck_assert_int_eq(hwloc_topology_set_icache_types_filter(
                             topo, HWLOC_TYPE_FILTER_KEEP_ALL),
                         0);
    ck_assert_msg(hwloc_topology_set_synthetic(topo, m->description) == 0,
                  "hwloc rejected '%s'", m->description);
    ck_assert_int_eq(hwloc_topology_load(topo), 0);
    within = hwloc_bitmap_dup(hwloc_topology_get_topology_cpuset(topo));
    ck_assert_ptr_nonnull(within);
    if (m->cpus != NULL)
        ck_assert_int_eq(hwloc_bitmap_list_sscanf(within, m->cpus), 0);
}

static void
unload(void)
{
    hwloc_bitmap_free(within);
    hwloc_topology_destroy(topo);
}

/* Fail with a message that names the machine, the function and both values. */
#define EXPECT(m, call, expected, hint)                                        \
    do {                                                                       \
        long long got_ = (long long)(call);                                    \
        ck_assert_msg(got_ == (long long)(expected),                           \
                      "on '%s'%s%s: %s returned %lld, expected %lld%s%s",      \
                      (m)->description, (m)->cpus ? " inside CPUs " : "",      \
                      (m)->cpus ? (m)->cpus : "", #call, got_,                 \
                      (long long)(expected),                                   \
                      got_ == -1 ? " (not written yet?)" : "", hint);          \
    } while (0)

static void
check_machine(const struct machine *m)
{
    load(m);
    EXPECT(m, cores_packages(topo, within), m->packages, "");
    EXPECT(m, cores_physical(topo, within), m->cores,
           "; a core counts when any of its PUs is inside");
    EXPECT(m, cores_logical(topo, within), m->pus, "");
    EXPECT(m, cores_threads_per_core(topo, within), m->threads_per_core, "");
    EXPECT(m, cores_numa_nodes(topo, within), m->numa_nodes,
           "; hwloc 2 keeps NUMA nodes beside the tree, not in it");
    EXPECT(m, cores_cache_size(topo, within, 1), m->l1, "; L1 means L1d");
    EXPECT(m, cores_cache_size(topo, within, 2), m->l2, "");
    EXPECT(m, cores_cache_size(topo, within, 3), m->l3, "");
    unload();
}

START_TEST(counts_on_synthetic_machine)
{
    check_machine(&machines[_i]);
}
END_TEST

START_TEST(counts_inside_a_binding)
{
    check_machine(&bindings[_i]);
}
END_TEST

/* Every machine in one process, one after the other: a count must not
 * depend on an earlier call (a static variable would carry one over). */
START_TEST(counts_every_machine_in_turn)
{
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
        check_machine(&machines[i]);
    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
        check_machine(&bindings[i]);
}
END_TEST

START_TEST(online_cpus_match_the_system)
{
    long expected = sysconf(_SC_NPROCESSORS_ONLN);

    ck_assert_msg(cores_online() == expected,
                  "cores_online() returned %d, the system has %ld online",
                  cores_online(), expected);
}
END_TEST

/* Code that asks sysconf is asked on a machine with CPUs offline; code that
 * counts another way (get_nprocs, /sys) is out of the simulation's reach,
 * and is checked against this machine. */
START_TEST(online_cpus_leave_out_offline_ones)
{
    long real = sysconf(_SC_NPROCESSORS_ONLN);
    int got;

    simulate_cpus_online(6, 8);
    got = cores_online();
    if (simulated_calls() == 0)
        ck_assert_msg(got == real,
                      "cores_online() returned %d, the system has %ld online",
                      got, real);
    else
        ck_assert_msg(got == 6,
                      "on a machine with 6 of its 8 CPUs online, "
                      "cores_online() returned %d: offline CPUs do not count "
                      "(_SC_NPROCESSORS_ONLN, not _CONF)",
                      got);
}
END_TEST

/* On a machine of 4096 CPUs, a cpu_set_t is too small for the mask. */
START_TEST(usable_cpus_beyond_a_cpu_set)
{
    int real = kit_usable_cpus(), got;

    simulate_affinity(4096, 3000);
    got = cores_usable();
    if (simulated_calls() == 0)
        ck_assert_msg(got == real,
                      "cores_usable() returned %d; this thread's mask holds %d",
                      got, real);
    else
        ck_assert_msg(got == 3000,
                      "on a machine of 4096 CPUs with 3000 in this thread's "
                      "mask, cores_usable() returned %d: sched_getaffinity "
                      "fails with EINVAL for a set of 1024; retry with a "
                      "larger one (CPU_ALLOC)",
                      got);
}
END_TEST

START_TEST(counts_on_this_machine_match_hwloc)
{
    struct kit_topology kit;
    char err[256];
    hwloc_bitmap_t binding;

    ck_assert_msg(kit_topology_probe(&kit, err, sizeof(err)) == 0, "%s", err);
    ck_assert_msg(cores_usable() == kit.usable_set.pus,
                  "cores_usable() returned %d; this thread's mask holds %d",
                  cores_usable(), kit.usable_set.pus);

    ck_assert_int_eq(hwloc_topology_init(&topo), 0);
    ck_assert_int_eq(hwloc_topology_load(topo), 0);
    binding = hwloc_bitmap_alloc();
    ck_assert_ptr_nonnull(binding);
    ck_assert_int_eq(hwloc_get_cpubind(topo, binding, HWLOC_CPUBIND_THREAD), 0);
    ck_assert_msg(cores_physical(topo, binding) == kit.usable_set.cores,
                  "cores_physical() inside this process's binding returned "
                  "%d; hwloc counts %d",
                  cores_physical(topo, binding), kit.usable_set.cores);
    ck_assert_msg(cores_logical(topo, binding) == kit.usable_set.pus,
                  "cores_logical() inside this process's binding returned %d; "
                  "hwloc counts %d",
                  cores_logical(topo, binding), kit.usable_set.pus);
    hwloc_bitmap_free(binding);
    hwloc_topology_destroy(topo);
}
END_TEST

/* Restrict this thread to the first `n` CPUs of its mask; returns how many it
 * kept (fewer when the mask holds fewer). Check runs each test in its own
 * child process, so the restriction ends with the test. */
static int
restrict_mask(int n)
{
    cpu_set_t mask, fewer;
    int kept = 0;

    ck_assert_int_eq(sched_getaffinity(0, sizeof(mask), &mask), 0);
    CPU_ZERO(&fewer);
    for (int cpu = 0; cpu < CPU_SETSIZE && kept < n; cpu++)
        if (CPU_ISSET(cpu, &mask)) {
            CPU_SET(cpu, &fewer);
            kept++;
        }
    ck_assert_int_eq(sched_setaffinity(0, sizeof(fewer), &fewer), 0);
    return kept;
}

START_TEST(one_cpu_mask_gives_one)
{
    restrict_mask(1);
    ck_assert_msg(cores_usable() == 1,
                  "under a one-CPU affinity mask (as with taskset -c 0) "
                  "cores_usable() returned %d, expected 1",
                  cores_usable());
}
END_TEST

START_TEST(two_cpu_mask_gives_two)
{
    int kept = restrict_mask(2);

    ck_assert_msg(cores_usable() == kept,
                  "under a %d-CPU affinity mask cores_usable() returned %d",
                  kept, cores_usable());
}
END_TEST

static Suite *
cores_suite(void)
{
    Suite *s = suite_create("01-cores");
    TCase *synthetic = tcase_create("synthetic machines");
    TCase *binding = tcase_create("inside a binding");
    TCase *machine = tcase_create("this machine");

    tcase_add_loop_test(synthetic, counts_on_synthetic_machine, 0,
                        (int)(sizeof(machines) / sizeof(machines[0])));
    tcase_add_loop_test(binding, counts_inside_a_binding, 0,
                        (int)(sizeof(bindings) / sizeof(bindings[0])));
    tcase_add_test(binding, counts_every_machine_in_turn);
    tcase_add_test(machine, online_cpus_match_the_system);
    tcase_add_test(machine, online_cpus_leave_out_offline_ones);
    tcase_add_test(machine, usable_cpus_beyond_a_cpu_set);
    tcase_add_test(machine, counts_on_this_machine_match_hwloc);
    tcase_add_test(machine, one_cpu_mask_gives_one);
    tcase_add_test(machine, two_cpu_mask_gives_two);
    suite_add_tcase(s, synthetic);
    suite_add_tcase(s, binding);
    suite_add_tcase(s, machine);
    /* The instructor's hidden test cases, where the course has some
     * (kit_hidden.h); none in your kit. */
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    /* The code under test finds the same environment in every build. */
    kit_sanitizer_options_forget();
    runner = srunner_create(cores_suite());

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
