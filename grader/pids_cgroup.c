/* The grader: creating, watching and tearing down the pids cgroup of a run,
 * under cgroup v1 (a "pids" hierarchy) or v2 (the unified tree, where the
 * grader's own cgroup must allow the pids controller to its children). */
#include "pids_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int
pids_cgroup_write(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX + 32];
    int fd, rc = 0;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return -1;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        rc = -1;
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

/* The folder under which this process may make a pids cgroup: the v1
 * hierarchy's root, or the v2 cgroup of this process when its
 * subtree_control offers "pids". */
static int
parent_folder(char *out, size_t len)
{
    char line[PATH_MAX], control[256] = "";
    FILE *f;

    if (access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) == 0) {
        snprintf(out, len, "/sys/fs/cgroup/pids");
        return 0;
    }
    f = fopen("/proc/self/cgroup", "r");
    if (f == NULL)
        return -1;
    out[0] = '\0';
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            if (snprintf(out, len, "/sys/fs/cgroup%s",
                         strcmp(line + 3, "/") == 0 ? "" : line + 3) >=
                (int)len)
                out[0] = '\0';
        }
    fclose(f);
    if (out[0] == '\0')
        return -1;
    {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", out);
        f = fopen(path, "r");
    }
    if (f == NULL)
        return -1;
    if (fgets(control, sizeof(control), f) == NULL)
        control[0] = '\0';
    fclose(f);
    return strstr(control, "pids") != NULL ? 0 : -1;
}

int
pids_cgroup_create(struct pids_cgroup *cg, long max)
{
    static unsigned serial;
    char parent[PATH_MAX], value[32];

    cg->dir[0] = cg->procs[0] = '\0';
    if (parent_folder(parent, sizeof(parent)) != 0)
        return -1;
    if (snprintf(cg->dir, sizeof(cg->dir), "%s/kit-grader-%d-%u", parent,
                 (int)getpid(), serial++) >= (int)sizeof(cg->dir) ||
        mkdir(cg->dir, 0755) != 0) {
        cg->dir[0] = '\0';
        return -1;
    }
    snprintf(value, sizeof(value), "%ld", max);
    if (pids_cgroup_write(cg->dir, "pids.max", value) != 0 ||
        snprintf(cg->procs, sizeof(cg->procs), "%s/cgroup.procs", cg->dir) >=
            (int)sizeof(cg->procs)) {
        rmdir(cg->dir);
        cg->dir[0] = cg->procs[0] = '\0';
        return -1;
    }
    return 0;
}

int
pids_cgroup_join(const char *procs)
{
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return -1;
    if (write(fd, "0", 1) != 1)
        rc = -1;
    close(fd);
    return rc;
}

long
pids_cgroup_event(const char *dir, const char *file, const char *key)
{
    char path[PATH_MAX + 32], name[32];
    long count = 0, found = 0;
    FILE *f;

    if (dir[0] == '\0' ||
        snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return 0;
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (fscanf(f, "%31s %ld", name, &count) == 2)
        if (strcmp(name, key) == 0)
            found = count;
    fclose(f);
    return found;
}

bool
pids_cgroup_hit_limit(const struct pids_cgroup *cg)
{
    /* "max N": forks refused for the limit. */
    return pids_cgroup_event(cg->dir, "pids.events", "max") > 0;
}

/* Kill every process listed in cgroup.procs; returns how many. */
static int
kill_members(const struct pids_cgroup *cg)
{
    FILE *f = fopen(cg->procs, "r");
    int pid, n = 0;

    if (f == NULL)
        return 0;
    while (fscanf(f, "%d", &pid) == 1)
        if (pid > 0 && kill(pid, SIGKILL) == 0)
            n++;
    fclose(f);
    return n;
}

int
pids_cgroup_destroy(struct pids_cgroup *cg)
{
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
    int first = -1;

    if (cg->dir[0] == '\0')
        return 0;
    /* v2 kills the whole cgroup at once where cgroup.kill exists (Linux
     * 5.14); elsewhere members are killed one by one until none is left. A
     * dead member stays listed until its parent reaps it, and rmdir only
     * succeeds on an empty cgroup: keep trying for a while. */
    pids_cgroup_write(cg->dir, "cgroup.kill", "1");
    for (int i = 0; i < 200; i++) {
        int n = kill_members(cg);
        if (first < 0)
            first = n;
        if (rmdir(cg->dir) == 0 || errno == ENOENT)
            break;
        nanosleep(&nap, NULL);
    }
    cg->dir[0] = cg->procs[0] = '\0';
    return first < 0 ? 0 : first;
}
