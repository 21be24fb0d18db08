/* libkit: the cgroup v2 CPU quota (cpu.max) that caps the usable CPUs. */
#include "kit_topology.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One cpu.max file: "max 100000" (no limit) or "QUOTA PERIOD" in µs. */
static double
read_cpu_max(const char *path)
{
    char quota[32];
    long period;
    FILE *f = fopen(path, "r");
    double cpus = 0;

    if (f == NULL)
        return 0; /* no cpu controller at this level: no limit from it */
    if (fscanf(f, "%31s %ld", quota, &period) == 2 && period > 0 &&
        strcmp(quota, "max") != 0) {
        long q;
        if (sscanf(quota, "%ld", &q) == 1 && q > 0)
            cpus = (double)q / (double)period;
    }
    fclose(f);
    return cpus;
}

double
kit_cgroup_cpu_quota(const char *cgroup_root, const char *proc_cgroup)
{
    char line[PATH_MAX], dir[PATH_MAX], file[PATH_MAX + 16];
    char *rel = NULL;
    double lowest = 0;
    FILE *f = fopen(proc_cgroup, "r");

    if (f == NULL)
        return 0;
    /* cgroup v2 has the single line "0::/path/of/the/cgroup". */
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            rel = line + 3;
            break;
        }
    }
    fclose(f);
    if (rel == NULL)
        return 0;
    if (snprintf(dir, sizeof(dir), "%s%s", cgroup_root, rel) >=
        (int)sizeof(dir))
        return 0;

    /* A parent's limit binds its children too: take the smallest on the way
     * up to the root. */
    size_t root_len = strlen(cgroup_root);
    for (;;) {
        snprintf(file, sizeof(file), "%s/cpu.max", dir);
        double cpus = read_cpu_max(file);
        if (cpus > 0 && (lowest == 0 || cpus < lowest))
            lowest = cpus;
        char *slash = strrchr(dir, '/');
        if (slash == NULL || (size_t)(slash - dir) < root_len)
            break;
        *slash = '\0';
    }
    return lowest;
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
