/* SPDX-License-Identifier: MIT */
/* The grader's runner: cgroups, either version (see cgroup.h). */
#include "run/cgroup.h"
#include "run/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* From <linux/magic.h>, which not every system's headers carry. */
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270

bool
cgroup_is_mount(const char *path, bool v2)
{
    struct statfs fs;

    if (statfs(path, &fs) != 0)
        return false;
    return (unsigned long)fs.f_type ==
           (v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC);
}

/* The first line of a small file into buf; -1 when unreadable. */
static int
first_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    int rc = 0;

    if (f == NULL)
        return -1;
    if (fgets(buf, (int)len, f) == NULL)
        rc = -1;
    else
        buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
    return rc;
}

/* This process's cgroup in the unified tree, mounted at /sys/fs/cgroup
 * (v2 only) or /sys/fs/cgroup/unified (a hybrid of both versions). */
static int
v2_self(char *out, size_t len)
{
    static const char *const mounts[] = {"/sys/fs/cgroup",
                                         "/sys/fs/cgroup/unified"};
    char line[PATH_MAX];
    const char *rel = NULL;
    FILE *f = fopen("/proc/self/cgroup", "re");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            rel = strcmp(line + 3, "/") == 0 ? "" : line + 3;
            break;
        }
    fclose(f);
    if (rel == NULL)
        return -1;
    for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
        if (cgroup_is_mount(mounts[i], true) &&
            snprintf(out, len, "%s%s", mounts[i], rel) < (int)len)
            return 0;
    return -1;
}

int
cgroup_parent(const char *controller, char *out, size_t len, bool *v2)
{
    char path[PATH_MAX + 32], control[256];

    if (sandbox_told_without("cgroups"))
        return -1;
    snprintf(out, len, "%s/%s", CGROUP_V1_ROOT, controller);
    snprintf(path, sizeof(path), "%s/cgroup.procs", out);
    if (cgroup_is_mount(out, false) && access(path, W_OK) == 0) {
        *v2 = false;
        return 0;
    }
    if (v2_self(out, len) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/cgroup.subtree_control", out);
    if (first_line(path, control, sizeof(control)) != 0)
        return -1;
    *v2 = true;
    for (char *w = strtok(control, " "); w != NULL; w = strtok(NULL, " "))
        if (strcmp(w, controller) == 0)
            return 0;
    return -1;
}

/* Remove the cgroups that graders which died (killed before their
 * cleanup) left under `parent`: kit-grader-PID-N of a PID no longer alive,
 * once empty. */
static void
sweep_stale(const char *parent)
{
    DIR *d = opendir(parent);
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[PATH_MAX];
        int pid;

        if (sscanf(e->d_name, "kit-grader-%d-", &pid) != 1 || pid <= 0 ||
            pid == (int)getpid() || kill(pid, 0) == 0 || errno == EPERM ||
            snprintf(path, sizeof(path), "%s/%s", parent, e->d_name) >=
                (int)sizeof(path))
            continue;
        (void)rmdir(path); /* EBUSY: it still holds a process; left alone */
    }
    if (d != NULL)
        closedir(d);
}

int
cgroup_make(const char *parent, char dir[PATH_MAX], char procs[PATH_MAX])
{
    static unsigned serial;
    /* The parents swept so far: one for pids, one for memory. */
    static char swept[2][PATH_MAX];

    for (int i = 0; i < 2; i++) {
        if (strcmp(swept[i], parent) == 0)
            break;
        if (swept[i][0] == '\0') {
            snprintf(swept[i], sizeof(swept[i]), "%s", parent);
            sweep_stale(parent);
            break;
        }
    }

    if (snprintf(dir, PATH_MAX, "%s/kit-grader-%d-%u", parent, (int)getpid(),
                 serial++) >= PATH_MAX ||
        snprintf(procs, PATH_MAX, "%s/cgroup.procs", dir) >= PATH_MAX ||
        mkdir(dir, 0755) != 0) {
        dir[0] = procs[0] = '\0';
        return -1;
    }
    return 0;
}

int
cgroup_write(const char *dir, const char *file, const char *text,
             const char *check)
{
    char path[PATH_MAX + 32], back[64];
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
    /* A write that "worked" on a file that is not a cgroup's limits
     * nothing: the value must read back. */
    if (rc == 0 && check != NULL &&
        (first_line(path, back, sizeof(back)) != 0 || strcmp(back, check) != 0))
        rc = -1;
    return rc;
}

int
cgroup_join(const char *procs)
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
cgroup_read_number(const char *dir, const char *file)
{
    char path[PATH_MAX + 32], line[64];

    if (dir[0] == '\0' ||
        snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
        first_line(path, line, sizeof(line)) != 0)
        return 0;
    return strtol(line, NULL, 10);
}

long
cgroup_event(const char *dir, const char *file, const char *key)
{
    char path[PATH_MAX + 32], name[32];
    long count = 0, found = 0;
    FILE *f;

    if (dir[0] == '\0' ||
        snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return 0;
    f = fopen(path, "re");
    if (f == NULL)
        return 0;
    while (fscanf(f, "%31s %ld", name, &count) == 2)
        if (strcmp(name, key) == 0)
            found = count;
    fclose(f);
    return found;
}

/* Kill every process listed in cgroup.procs; returns how many. */
static int
kill_members(const char *procs)
{
    FILE *f = fopen(procs, "re");
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
cgroup_remove(char dir[PATH_MAX], char procs[PATH_MAX])
{
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
    int first = -1;

    if (dir[0] == '\0')
        return 0;
    /* v2 kills the whole cgroup at once where cgroup.kill exists (Linux
     * 5.14); elsewhere members are killed one by one until none is left. A
     * dead member stays listed until its parent reaps it, and rmdir only
     * succeeds on an empty cgroup: keep trying for a while. */
    (void)cgroup_write(dir, "cgroup.kill", "1", NULL);
    for (int i = 0; i < 200; i++) {
        int n = procs[0] != '\0' ? kill_members(procs) : 0;
        if (first < 0)
            first = n;
        if (rmdir(dir) == 0 || errno == ENOENT)
            break;
        nanosleep(&nap, NULL);
    }
    dir[0] = procs[0] = '\0';
    return first < 0 ? 0 : first;
}
