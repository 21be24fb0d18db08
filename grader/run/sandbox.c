/* SPDX-License-Identifier: MIT */
/* The grader's runner: the sandbox's walls (see sandbox.h). */
#define _GNU_SOURCE /* unshare, setresuid, nftw */
#include "run/sandbox.h"
#include "base/files.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* "nobody" has no files, no home and no login on every Linux; the uid
 * 65534 stands in where even the name is missing. */
#define FALLBACK_UID 65534

static int
find_user(struct sandbox *s, const char *user, char *err, size_t errlen)
{
    char *end;
    long number = strtol(user, &end, 10);
    struct passwd *pw;

    if (end != user && *end == '\0') {
        if (number <= 0 || number > 2147483647L) {
            snprintf(err, errlen,
                     "--sandbox-user %s: not a user number above 0 (student "
                     "code must not run as root)",
                     user);
            return -1;
        }
        pw = getpwuid((uid_t)number);
        s->uid = (uid_t)number;
        /* A number without an account gets the group of the same number:
         * every parallel grader of a class then has a group of its own. */
        s->gid = pw != NULL ? pw->pw_gid : (gid_t)number;
        snprintf(s->user, sizeof(s->user), "%s",
                 pw != NULL ? pw->pw_name : user);
        return 0;
    }
    pw = getpwnam(user);
    if (pw == NULL && strcmp(user, "nobody") == 0) {
        s->uid = s->gid = FALLBACK_UID;
        snprintf(s->user, sizeof(s->user), "%d", FALLBACK_UID);
        return 0;
    }
    if (pw == NULL || pw->pw_uid == 0) {
        snprintf(err, errlen, "--sandbox-user %s: %s", user,
                 pw == NULL ? "no such user" : "that is root");
        return -1;
    }
    s->uid = pw->pw_uid;
    s->gid = pw->pw_gid;
    snprintf(s->user, sizeof(s->user), "%s", pw->pw_name);
    return 0;
}

/* The flags of the mount holding `path` that a remount must repeat: in a
 * user namespace the kernel refuses to clear them. */
static unsigned long
mount_flags(const char *path)
{
    static const struct {
        unsigned long st, ms;
    } map[] = {
        {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},         {ST_NOATIME, MS_NOATIME},
        {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
    };
    struct statvfs v;
    unsigned long flags = 0;

    if (statvfs(path, &v) != 0)
        return 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (v.f_flag & map[i].st)
            flags |= map[i].ms;
    return flags;
}

/* Run one wall in a throwaway child, with `shown` of the kit (see
 * sandbox_enter()); its errno when it failed, else 0. */
static int
probe(const struct sandbox *s, const char *const *shown, const char **step)
{
    pid_t pid;
    int fds[2], msg[2] = {0, 0}, status;
    static const char *steps[] = {"unshare",
                                  "mount",
                                  "setresuid",
                                  "reading the kit",
                                  "writing the user namespace's maps",
                                  "covering the kit"};

    if (pipe(fds) != 0)
        return errno;
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return e;
    }
    if (pid == 0) {
        const char *what = NULL;

        close(fds[0]);
        if (sandbox_enter(s, NULL, shown, &what) != 0) {
            msg[1] = errno;
            for (int i = 0; i < (int)(sizeof(steps) / sizeof(steps[0])); i++)
                if (strcmp(what, steps[i]) == 0)
                    msg[0] = i;
        } else if (s->as_root && access(s->kit, R_OK | X_OK) != 0) {
            msg[0] = 3;
            msg[1] = errno;
        }
        if (write(fds[1], msg, sizeof(msg)) != (ssize_t)sizeof(msg))
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
        msg[0] = 0;
        msg[1] = ECHILD;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    *step = msg[0] >= 0 && msg[0] < (int)(sizeof(steps) / sizeof(steps[0]))
                ? steps[msg[0]]
                : "starting";
    return msg[1];
}

static void
add_missing_why(struct sandbox *s, const char *what, const char *why)
{
    size_t used = strlen(s->missing);

    snprintf(s->missing + used, sizeof(s->missing) - used, "%s%s (%s)",
             used > 0 ? "; " : "", what, why);
}

static void
add_missing(struct sandbox *s, const char *what, const char *step, int err)
{
    char why[160];

    snprintf(why, sizeof(why), "%s: %s", step, strerror(err));
    add_missing_why(s, what, why);
}

bool
sandbox_told_without(const char *wall)
{
    const char *list = getenv(SANDBOX_WITHOUT_VAR);
    size_t len = strlen(wall);

    for (const char *p = list; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, ",");

        if (n == len && strncmp(p, wall, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

int
sandbox_setup(struct sandbox *s, const char *user, const char *kit,
              char *const *hide, int nhide, char *err, size_t errlen)
{
    const char *step = "";
    int e;

    memset(s, 0, sizeof(*s));
    snprintf(s->kit, sizeof(s->kit), "%s", kit);
    s->as_root = geteuid() == 0;
    if (nhide > SANDBOX_MAX_HIDDEN) {
        snprintf(err, errlen, "--hide: at most %d folders", SANDBOX_MAX_HIDDEN);
        return -1;
    }
    for (int i = 0; i < nhide; i++) {
        char real[PATH_MAX];
        struct stat st;
        if (realpath(hide[i], real) == NULL || stat(real, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--hide %s: no such folder", hide[i]);
            return -1;
        }
        if (path_inside(kit, real)) {
            snprintf(err, errlen,
                     "--hide %s: it holds the kit, which the tests need",
                     hide[i]);
            return -1;
        }
        snprintf(s->hidden[s->nhidden++], sizeof(s->hidden[0]), "%s", real);
    }
    s->kit_flags = mount_flags(kit);
    if (!s->as_root) {
        s->uid = geteuid();
        s->gid = getegid();
        snprintf(s->uid_map, sizeof(s->uid_map), "%d %d 1", (int)s->uid,
                 (int)s->uid);
        snprintf(s->gid_map, sizeof(s->gid_map), "%d %d 1", (int)s->gid,
                 (int)s->gid);
        /* Any user may make a user namespace on many systems, and own the
         * network and mount namespaces made with it. */
        s->user_ns = true;
    } else if (find_user(s, user != NULL ? user : "nobody", err, errlen) != 0) {
        return -1;
    } else {
        s->named_user = user != NULL;
    }

    /* Each wall alone first, so that one the system refuses (a container
     * without CAP_SYS_ADMIN, say) leaves the others up. */
    struct sandbox trial = *s;
    trial.as_root = false; /* no user switch while probing namespaces */
    trial.user_ns = s->user_ns;
    trial.no_network = true;
    if ((e = probe(&trial, NULL, &step)) == 0)
        s->no_network = true;
    else
        add_missing(s, "no network isolation", step, e);
    trial.no_network = false;
    trial.own_mounts = true;
    if (sandbox_told_without("mounts"))
        add_missing_why(s, "the kit not made read-only and no folder hidden",
                        SANDBOX_WITHOUT_VAR " says so");
    else if ((e = probe(&trial, NULL, &step)) == 0)
        s->own_mounts = true;
    else
        add_missing(s, "the kit not made read-only and no folder hidden", step,
                    e);
    static const char *const nothing[] = {NULL};
    trial.hide_kit = true;
    if (s->own_mounts && (e = probe(&trial, nothing, &step)) == 0)
        s->hide_kit = true;
    else if (s->own_mounts)
        add_missing(s, "the kit not hidden from the tests", step, e);
    if (s->user_ns && !s->no_network && !s->own_mounts) {
        s->user_ns = false;
        return 0;
    }
    /* All together, as the runs will: the user must still read the kit. */
    int covered;
    if ((e = probe(s, NULL, &step)) == 0 && s->hide_kit &&
        (covered = probe(s, nothing, &step)) != 0) {
        s->hide_kit = false;
        add_missing(s, "the kit not hidden from the tests", step, covered);
    }
    if (e != 0 && s->user_ns) {
        /* Each wall alone went up, not both: go without. */
        s->user_ns = s->no_network = s->own_mounts = s->hide_kit = false;
        add_missing(s, "the walls together", step, e);
        return 0;
    }
    if (e != 0) {
        snprintf(err, errlen,
                 "student code is to run as %s, who cannot use the kit at %s "
                 "(%s: %s)",
                 s->user, kit, step, strerror(e));
        return SANDBOX_KIT_CLOSED;
    }
    return 0;
}

/* Make every folder of `path` that is missing (async-signal-safe). */
static int
make_path(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    return 0;
}

/* "/proc/self/fd/N" into buf, by hand: no stdio between fork and exec. */
static void
fd_path(int fd, char buf[32])
{
    char digits[16];
    int n = 0;

    do {
        digits[n++] = (char)('0' + fd % 10);
        fd /= 10;
    } while (fd > 0);
    memcpy(buf, "/proc/self/fd/", 14);
    for (int i = 0; i < n; i++)
        buf[14 + i] = digits[n - 1 - i];
    buf[14 + n] = '\0';
}

/* Fresh, empty /tmp and /dev/shm: what one student's code leaves there is
 * not there for the next one's, nor for another's graded at the same time.
 * The kit and the work folder, where they lie in /tmp, are put back in the
 * new one, through descriptors opened before it covered them. */
static int
private_tmp(const struct sandbox *s, const char *workdir)
{
    const char *back[2] = {s->kit, workdir != NULL ? workdir : ""};
    int keep[2] = {-1, -1}, rc = 0;
    char self[32];

    for (int i = 0; i < 2; i++)
        if (back[i][0] != '\0' && path_inside(back[i], "/tmp") &&
            (keep[i] = open(back[i], O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            rc = -1;
    if (rc == 0 && mount("none", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
                         "mode=1777,size=512m") != 0)
        rc = -1;
    if (rc == 0 && access("/dev/shm", F_OK) == 0 &&
        mount("none", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
              "mode=1777,size=512m") != 0)
        rc = -1;
    for (int i = 0; i < 2; i++) {
        if (keep[i] < 0)
            continue;
        fd_path(keep[i], self);
        /* A bind keeps the flags of the mount it copies: the kit stays
         * read-only. */
        if (rc == 0 &&
            (make_path(back[i]) != 0 ||
             mount(self, back[i], NULL, MS_BIND | MS_REC, NULL) != 0))
            rc = -1;
        close(keep[i]);
    }
    return rc;
}

/* Cover the kit with an empty, read-only folder and put back only `shown`
 * and the work folder, should it lie in the kit, through descriptors
 * opened before the cover went up (async-signal-safe). */
static int
cover_kit(const struct sandbox *s, const char *workdir,
          const char *const *shown)
{
    const char *back[SANDBOX_MAX_SHOWN + 1];
    int keep[SANDBOX_MAX_SHOWN + 1], n = 0, rc = 0;
    char self[32];

    for (int i = 0; shown[i] != NULL && n < SANDBOX_MAX_SHOWN; i++)
        back[n++] = shown[i];
    if (workdir != NULL && path_inside(workdir, s->kit))
        back[n++] = workdir;
    for (int i = 0; i < n; i++)
        if ((keep[i] = open(back[i], O_PATH | O_CLOEXEC)) < 0)
            rc = -1;
    if (rc == 0 && mount("none", s->kit, "tmpfs", MS_NOSUID | MS_NODEV,
                         "mode=0755,size=64k") != 0)
        rc = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        struct stat st;
        int made;

        /* Where it goes: its folders, and an empty file to bind a file
         * onto. */
        if (fstat(keep[i], &st) != 0) {
            rc = -1;
            break;
        }
        if (S_ISDIR(st.st_mode)) {
            made = make_path(back[i]);
        } else {
            char dir[4096];
            size_t len = strlen(back[i]);
            while (len > 0 && back[i][len - 1] != '/')
                len--;
            made = len > 0 && len < sizeof(dir) ? 0 : -1;
            if (made == 0) {
                memcpy(dir, back[i], len);
                dir[len] = '\0';
                made = make_path(dir);
            }
            int fd = made == 0
                         ? open(back[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644)
                         : -1;
            if (fd < 0)
                made = -1;
            else
                close(fd);
        }
        fd_path(keep[i], self);
        if (made != 0 ||
            mount(self, back[i], NULL, MS_BIND | MS_REC, NULL) != 0)
            rc = -1;
    }
    for (int i = 0; i < n; i++)
        if (keep[i] >= 0)
            close(keep[i]);
    /* The binds keep the flags of what they copy (the kit read-only, the
     * work folder as it is); the folder around them becomes read-only. */
    if (rc == 0 &&
        mount(NULL, s->kit, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
              NULL) != 0)
        rc = -1;
    return rc;
}

/* Write all of `text` to the file `path` (async-signal-safe). */
static int
write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    int rc = fd >= 0 && write(fd, text, len) == (ssize_t)len ? 0 : -1;

    if (fd >= 0)
        close(fd);
    return rc;
}

/* Bring up the loopback of a new network namespace, which starts down:
 * programs that talk to themselves through it (MPI's launcher and its
 * ranks) work, and it reaches nothing outside the namespace, not even the
 * host's own 127.0.0.1. Best effort: without it, only such programs fail. */
static void
loopback_up(void)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        (void)ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
}

int
sandbox_enter(const struct sandbox *s, const char *workdir,
              const char *const *shown, const char **step)
{
    int flags =
        (s->no_network ? CLONE_NEWNET : 0) | (s->own_mounts ? CLONE_NEWNS : 0);

    *step = "unshare";
    if (s->user_ns && flags != 0)
        flags |= CLONE_NEWUSER;
    if (flags != 0 && unshare(flags) != 0)
        return -1;
    if (flags & CLONE_NEWUSER) {
        /* The grader's own user, mapped to itself: no right gained, and the
         * namespaces made with it are this process's to shape. */
        *step = "writing the user namespace's maps";
        if (write_file("/proc/self/setgroups", "deny") != 0 ||
            write_file("/proc/self/uid_map", s->uid_map) != 0 ||
            write_file("/proc/self/gid_map", s->gid_map) != 0)
            return -1;
    }
    if (flags & CLONE_NEWNET)
        loopback_up();
    if (s->own_mounts) {
        *step = "mount";
        /* Private first, or the mounts below would reach the grader's own
         * namespace through shared propagation. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount(s->kit, s->kit, NULL, MS_BIND | MS_REC, NULL) != 0 ||
            mount(NULL, s->kit, NULL,
                  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
                      s->kit_flags,
                  NULL) != 0)
            return -1;
        for (int i = 0; i < s->nhidden; i++)
            if (mount("none", s->hidden[i], "tmpfs",
                      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      "size=4k,mode=000") != 0)
                return -1;
        *step = "covering the kit";
        if (shown != NULL && s->hide_kit && cover_kit(s, workdir, shown) != 0)
            return -1;
        *step = "mount";
        if (private_tmp(s, workdir) != 0)
            return -1;
    }
    if (s->as_root) {
        *step = "setresuid";
        if (setgroups(1, &s->gid) != 0 ||
            setresgid(s->gid, s->gid, s->gid) != 0 ||
            setresuid(s->uid, s->uid, s->uid) != 0)
            return -1;
    }
    return 0;
}

/* nftw's callbacks take no context: the owner to give is kept here, one
 * tree walk at a time (the grader is single-threaded). */
static uid_t tree_uid;
static gid_t tree_gid;
static bool tree_seal;

static int
chown_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (lchown(path, tree_uid, tree_gid) != 0)
        return -1;
    /* Root's again: what the build wrote must not be rewritable by the
     * code that runs next, under the sandbox user or any other. */
    if (tree_seal && type != FTW_SL && (st->st_mode & (S_IWGRP | S_IWOTH)) &&
        chmod(path, st->st_mode & 07755) != 0)
        return -1;
    return 0;
}

static int
walk(const struct sandbox *s, const char *path, uid_t uid, gid_t gid, bool seal)
{
    if (!s->as_root)
        return 0;
    tree_uid = uid;
    tree_gid = gid;
    tree_seal = seal;
    return nftw(path, chown_entry, 32, FTW_PHYS) == 0 ? 0 : -1;
}

int
sandbox_give_tree(const struct sandbox *s, const char *path)
{
    return walk(s, path, s->uid, s->gid, false);
}

int
sandbox_take_tree(const struct sandbox *s, const char *path)
{
    return walk(s, path, 0, 0, true);
}

void
sandbox_describe(const struct sandbox *s, char *buf, size_t len)
{
    bool hidden = s->own_mounts && s->nhidden > 0;
    char walls[256];

    snprintf(walls, sizeof(walls), "%s%s%s",
             s->no_network ? "; with no network (a loopback of its own)" : "",
             s->own_mounts ? s->hide_kit
                                 ? "; with the kit read-only, its tests and "
                                   "lab.ini hidden from the tests, and a "
                                   "/tmp and /dev/shm of its own"
                                 : "; with the kit read-only and a /tmp and "
                                   "/dev/shm of its own"
                           : "",
             hidden ? "; with other students' folders hidden" : "");
    if (!s->as_root) {
        snprintf(buf, len,
                 "The grader is not root: student code ran as your own user "
                 "(uid %d), so it could signal the grader and write your "
                 "files%s%s, under limits on time, memory, processes, open "
                 "files, file size and output.%s%s Grade as root for a "
                 "user of its own%s.",
                 (int)s->uid, s->own_mounts ? " outside the kit" : "", walls,
                 s->missing[0] != '\0' ? " Not available here: " : "",
                 s->missing,
                 s->no_network && s->own_mounts
                     ? ""
                     : ", no network and a read-only kit");
        return;
    }
    snprintf(buf, len,
             "Student code ran as %s (uid %d), who cannot write the kit, the "
             "builds or the results%s%s, under limits on time, memory, "
             "processes, open files, file size and output.%s%s",
             s->user, (int)s->uid,
             s->mirrored
                 ? " (the kit's folder being closed to it, it was shown "
                   "a copy of the kit's sources and builds, without "
                   "solutions, lab.ini or the kit's own tests)"
                 : "",
             walls, s->missing[0] != '\0' ? " Not available here: " : "",
             s->missing);
}
