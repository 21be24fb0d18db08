/* SPDX-License-Identifier: MIT */
/* libkit: the cgroup CPU quota that caps the usable CPUs, and the count of
 * throttled periods that tells the grader a quota slowed its measurements.
 * Both cgroup versions are read: v2 (`cpu.max`, one unified tree) and v1
 * (`cpu.cfs_quota_us` / `cpu.cfs_period_us` in the cpu controller's tree),
 * since many machines and CI runners still mount v1 or a hybrid of both. */
#include "kit_topology.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Where the cpu controller's files live for this process: one folder per
 * hierarchy that has it, deepest first, then each parent up to the mount
 * (a parent's limit binds its children too). */
typedef void (*visit_fn)(const char *dir, int v1, void *ctx);

static void
visit_upwards(const char *mount, const char *rel, int v1, visit_fn visit,
              void *ctx)
{
    char dir[PATH_MAX];
    size_t mount_len = strlen(mount);

    if (snprintf(dir, sizeof(dir), "%s%s", mount, rel) >= (int)sizeof(dir))
        return;
    for (;;) {
        size_t len = strlen(dir);
        if (len > mount_len && dir[len - 1] == '/')
            dir[len - 1] = '\0'; /* "/sys/fs/cgroup/" is the mount itself */
        visit(dir, v1, ctx);
        char *slash = strrchr(dir, '/');
        if (slash == NULL || (size_t)(slash - dir) < mount_len)
            break;
        *slash = '\0';
    }
}

/* Does a v1 line's controller list ("cpu,cpuacct") name "cpu"? */
static int
names_cpu(const char *controllers, size_t len)
{
    const char *p = controllers, *end = controllers + len;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = comma != NULL ? (size_t)(comma - p) : (size_t)(end - p);
        if (n == 3 && strncmp(p, "cpu", 3) == 0)
            return 1;
        p += n + 1;
    }
    return 0;
}

static void
visit_cpu_cgroups(const char *root, const char *proc_cgroup, visit_fn visit,
                  void *ctx)
{
    char line[PATH_MAX];
    FILE *f = fopen(proc_cgroup, "r");

    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL)
            continue;
        const char *rel = c2 + 1;
        if (strncmp(line, "0::", 3) == 0) {
            visit_upwards(root, rel, 0, visit, ctx);
        } else if (names_cpu(c1 + 1, (size_t)(c2 - c1 - 1))) {
            /* v1 mounts the controller as "cpu" or "cpu,cpuacct". */
            static const char *const mounts[] = {"cpu", "cpu,cpuacct",
                                                 "cpuacct,cpu"};
            for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
                char mount[PATH_MAX];
                snprintf(mount, sizeof(mount), "%s/%s", root, mounts[i]);
                visit_upwards(mount, rel, 1, visit, ctx);
            }
        }
    }
    fclose(f);
}

static int
read_longs(const char *dir, const char *name, const char *fmt, long *a, long *b)
{
    char path[PATH_MAX + 32];
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    n = b != NULL ? fscanf(f, fmt, a, b) : fscanf(f, fmt, a);
    fclose(f);
    return n;
}

static void
lowest_quota(const char *dir, int v1, void *ctx)
{
    double *lowest = ctx, cpus = 0;
    long quota, period;

    if (v1) {
        if (read_longs(dir, "cpu.cfs_quota_us", "%ld", &quota, NULL) == 1 &&
            read_longs(dir, "cpu.cfs_period_us", "%ld", &period, NULL) == 1 &&
            quota > 0 && period > 0)
            cpus = (double)quota / (double)period;
    } else if (read_longs(dir, "cpu.max", "%ld %ld", &quota, &period) == 2 &&
               quota > 0 && period > 0) {
        /* "max 100000" fails the first %ld: no limit at this level. */
        cpus = (double)quota / (double)period;
    }
    if (cpus > 0 && (*lowest == 0 || cpus < *lowest))
        *lowest = cpus;
}

double
kit_cgroup_cpu_quota(const char *cgroup_root, const char *proc_cgroup)
{
    double lowest = 0;

    visit_cpu_cgroups(cgroup_root, proc_cgroup, lowest_quota, &lowest);
    return lowest;
}

static void
add_throttled(const char *dir, int v1, void *ctx)
{
    char path[PATH_MAX + 16], key[64];
    long *total = ctx, value;
    FILE *f;

    (void)v1;
    snprintf(path, sizeof(path), "%s/cpu.stat", dir);
    f = fopen(path, "r");
    if (f == NULL)
        return;
    while (fscanf(f, "%63s %ld", key, &value) == 2)
        if (strcmp(key, "nr_throttled") == 0)
            *total += value;
    fclose(f);
}

long
kit_cgroup_throttled(const char *cgroup_root, const char *proc_cgroup)
{
    long total = 0;

    visit_cpu_cgroups(cgroup_root, proc_cgroup, add_throttled, &total);
    return total;
}

int
kit_cap_by_quota(int cpus, double quota)
{
    if (quota > 0) {
        /* Half a CPU's time still runs one thread (slowly); 1.5 CPUs does
         * not run two threads at full speed, so round down. The epsilon
         * keeps 200000/100000 from becoming 1.999… */
        int whole = (int)floor(quota + 1e-9);
        if (whole < 1)
            whole = 1;
        if (whole < cpus)
            cpus = whole;
    }
    return cpus < 1 ? 1 : cpus;
}
