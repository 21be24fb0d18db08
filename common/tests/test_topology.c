/* SPDX-License-Identifier: MIT */
/* Unit tests of kit_topology: counts on synthetic machines, the live
 * affinity mask, and the cgroup CPU quota read from a fake cgroup tree. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "kit_topology.h"
#include "suites.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct kit_topology
synthetic(const char *description, const char *cpulist)
{
    struct kit_topology t;
    char err[256];

    ck_assert_msg(
        kit_topology_synthetic(description, cpulist, &t, err, sizeof(err)) == 0,
        "'%s': %s", description, err);
    return t;
}

static void
expect_counts(struct kit_topology_counts c, int packages, int cores, int pus,
              int numa, int per_core)
{
    ck_assert_int_eq(c.packages, packages);
    ck_assert_int_eq(c.cores, cores);
    ck_assert_int_eq(c.pus, pus);
    ck_assert_int_eq(c.numa_nodes, numa);
    ck_assert_int_eq(c.threads_per_core, per_core);
}

START_TEST(two_sockets_with_hyperthreading)
{
    struct kit_topology t = synthetic("pack:2 core:8 pu:2", NULL);

    expect_counts(t.machine, 2, 16, 32, 1, 2);
    expect_counts(t.usable_set, 2, 16, 32, 1, 2);
    ck_assert_int_eq(t.usable_cpus, 32);
}
END_TEST

START_TEST(one_socket_without_smt)
{
    struct kit_topology t = synthetic("pack:1 core:4 pu:1", NULL);

    expect_counts(t.machine, 1, 4, 4, 1, 1);
}
END_TEST

START_TEST(numa_node_per_socket)
{
    struct kit_topology t = synthetic("pack:2 [numa] core:4 pu:2", NULL);

    expect_counts(t.machine, 2, 8, 16, 2, 2);
    /* The first socket's CPUs meet only the first node. */
    t = synthetic("pack:2 [numa] core:4 pu:2", "0-7");
    expect_counts(t.usable_set, 1, 4, 8, 1, 2);
}
END_TEST

START_TEST(restricted_set_counts_what_it_touches)
{
    /* PUs 0-3 are both threads of cores 0 and 1 of socket 0. */
    struct kit_topology t = synthetic("pack:2 core:8 pu:2", "0-3");

    expect_counts(t.machine, 2, 16, 32, 1, 2);
    expect_counts(t.usable_set, 1, 2, 4, 1, 2);
    /* One thread of each of three cores: three cores, one thread each. */
    t = synthetic("pack:2 core:8 pu:2", "0,2,4");
    expect_counts(t.usable_set, 1, 3, 3, 1, 1);
    /* The first CPU of each socket. */
    t = synthetic("pack:2 core:8 pu:2", "0,16");
    expect_counts(t.usable_set, 2, 2, 2, 1, 1);
    ck_assert_int_eq(t.usable_cpus, 2);
}
END_TEST

START_TEST(cache_sizes_by_level)
{
    struct kit_topology t = synthetic(
        "pack:1 l3:1(size=8388608) l2:4(size=1048576) l1d:1(size=32768) "
        "core:1 pu:2",
        NULL);

    ck_assert_uint_eq(t.cache_bytes[1], 32768);
    ck_assert_uint_eq(t.cache_bytes[2], 1048576);
    ck_assert_uint_eq(t.cache_bytes[3], 8388608);
    t = synthetic("pack:1 core:2 pu:1", NULL);
    ck_assert_uint_eq(t.cache_bytes[1], 0);
    ck_assert_uint_eq(t.cache_bytes[3], 0);
}
END_TEST

START_TEST(bad_descriptions_are_errors)
{
    struct kit_topology t;
    char err[256] = "";

    ck_assert_int_eq(
        kit_topology_synthetic("pack:two", NULL, &t, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "pack:two"));
    ck_assert_int_eq(kit_topology_synthetic("pack:1 core:2 pu:1", "x-y", &t,
                                            err, sizeof(err)),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "x-y"));
}
END_TEST

START_TEST(this_machine_is_consistent)
{
    struct kit_topology t;
    char err[256];

    ck_assert_msg(kit_topology_probe(&t, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_ge(t.machine.pus, 1);
    ck_assert_int_le(t.machine.cores, t.machine.pus);
    ck_assert_int_ge(t.usable_cpus, 1);
    ck_assert_int_le(t.usable_cpus, t.usable_set.pus);
    ck_assert_int_le(t.usable_set.pus, t.machine.pus);
    ck_assert_int_le(t.usable_set.cores, t.machine.cores);
    ck_assert_int_ge(t.online_cpus, t.usable_set.pus);
    ck_assert_int_eq(kit_usable_cpus(), t.usable_cpus);
    ck_assert(t.cpu_model[0] != '\0');
}
END_TEST

START_TEST(one_cpu_mask_gives_one_usable_cpu)
{
    cpu_set_t one;
    struct kit_topology t;
    char err[256];

    /* Check runs each test in a child, so this mask dies with it. */
    CPU_ZERO(&one);
    ck_assert_int_eq(sched_getaffinity(0, sizeof(one), &one), 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &one)) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            break;
        }
    ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
    ck_assert_msg(kit_topology_probe(&t, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(t.usable_set.pus, 1);
    ck_assert_int_eq(t.usable_set.cores, 1);
    ck_assert_int_eq(t.usable_cpus, 1);
    ck_assert_int_eq(kit_usable_cpus(), 1);
}
END_TEST

/* A fake cgroup2 mount in a temporary folder. */
static char root[64];

static void
write_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void
make_dir(const char *rel)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    ck_assert_int_eq(mkdir(path, 0700), 0);
}

static double
quota(void)
{
    char proc[128];

    snprintf(proc, sizeof(proc), "%s/proc-cgroup", root);
    return kit_cgroup_cpu_quota(root, proc);
}

static void
fake_cgroup_setup(void)
{
    snprintf(root, sizeof(root), "/tmp/kit-cgroup-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    make_dir("a");
    make_dir("a/b");
    write_file("proc-cgroup", "0::/a/b\n");
}

static void
fake_cgroup_teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

START_TEST(no_cpu_max_means_no_quota)
{
    ck_assert_double_eq(quota(), 0.0);
    write_file("a/b/cpu.max", "max 100000\n");
    ck_assert_double_eq(quota(), 0.0);
}
END_TEST

START_TEST(quota_of_own_cgroup)
{
    write_file("a/b/cpu.max", "150000 100000\n");
    ck_assert_double_eq_tol(quota(), 1.5, 1e-9);
}
END_TEST

START_TEST(tighter_parent_wins)
{
    write_file("a/b/cpu.max", "400000 100000\n");
    write_file("a/cpu.max", "50000 100000\n");
    ck_assert_double_eq_tol(quota(), 0.5, 1e-9);
}
END_TEST

START_TEST(missing_file_means_no_quota)
{
    write_file("a/b/cpu.max", "100000 100000\n");
    ck_assert_double_eq(kit_cgroup_cpu_quota(root, "/nonexistent/cgroup"), 0.0);
}
END_TEST

START_TEST(cgroup_v1_quota)
{
    /* A v1 cpu controller mounted as cpu,cpuacct, as Docker on v1 does. */
    write_file("proc-cgroup",
               "12:cpu,cpuacct:/docker/abc\n4:memory:/x\n0::/\n");
    make_dir("cpu,cpuacct");
    make_dir("cpu,cpuacct/docker");
    make_dir("cpu,cpuacct/docker/abc");
    write_file("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n");
    write_file("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
    ck_assert_double_eq(quota(), 0.0);
    write_file("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "250000\n");
    ck_assert_double_eq_tol(quota(), 2.5, 1e-9);
    /* "cpuacct" alone is not the cpu controller. */
    write_file("proc-cgroup", "2:cpuacct:/docker/abc\n");
    ck_assert_double_eq(quota(), 0.0);
}
END_TEST

START_TEST(throttling_added_up_the_tree)
{
    char proc[128];

    snprintf(proc, sizeof(proc), "%s/proc-cgroup", root);
    ck_assert_int_eq(kit_cgroup_throttled(root, proc), 0);
    write_file("a/b/cpu.stat",
               "usage_usec 100\nnr_periods 20\nnr_throttled 7\n");
    write_file("a/cpu.stat", "nr_periods 5\nnr_throttled 3\n");
    ck_assert_int_eq(kit_cgroup_throttled(root, proc), 10);
}
END_TEST

START_TEST(quota_caps_usable_cpus)
{
    ck_assert_int_eq(kit_cap_by_quota(4, 0), 4);
    ck_assert_int_eq(kit_cap_by_quota(4, 1.5), 1);
    ck_assert_int_eq(kit_cap_by_quota(4, 0.5), 1);
    ck_assert_int_eq(kit_cap_by_quota(4, 2.0), 2);
    ck_assert_int_eq(kit_cap_by_quota(8, 3.99), 3);
    ck_assert_int_eq(kit_cap_by_quota(2, 8.0), 2);
}
END_TEST

Suite *
topology_suite(void)
{
    Suite *s = suite_create("topology");
    TCase *syn = tcase_create("synthetic");
    TCase *live = tcase_create("this machine");
    TCase *cg = tcase_create("cgroup quota");

    tcase_add_test(syn, two_sockets_with_hyperthreading);
    tcase_add_test(syn, one_socket_without_smt);
    tcase_add_test(syn, numa_node_per_socket);
    tcase_add_test(syn, restricted_set_counts_what_it_touches);
    tcase_add_test(syn, cache_sizes_by_level);
    tcase_add_test(syn, bad_descriptions_are_errors);
    tcase_add_test(live, this_machine_is_consistent);
    tcase_add_test(live, one_cpu_mask_gives_one_usable_cpu);
    tcase_add_checked_fixture(cg, fake_cgroup_setup, fake_cgroup_teardown);
    tcase_add_test(cg, no_cpu_max_means_no_quota);
    tcase_add_test(cg, quota_of_own_cgroup);
    tcase_add_test(cg, tighter_parent_wins);
    tcase_add_test(cg, missing_file_means_no_quota);
    tcase_add_test(cg, cgroup_v1_quota);
    tcase_add_test(cg, throttling_added_up_the_tree);
    tcase_add_test(cg, quota_caps_usable_cpus);
    suite_add_tcase(s, syn);
    suite_add_tcase(s, live);
    suite_add_tcase(s, cg);
    return s;
}
