/* SPDX-License-Identifier: MIT */
/* The grader's preparation: the kit's mirror (see mirror.h). */
#include "prepare/mirror.h"
#include "base/files.h"
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* A name for the kit's mirror that another kit's path does not give: FNV-1a
 * over the path. */
static uint64_t
path_hash(const char *path)
{
    uint64_t h = 14695981039346656037ULL;

    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Make the mirror's folder, or find it: it must be the grader's own, a
 * real folder that no one else may write, or anyone could plant files in
 * what the kit's build reads. Returns an open descriptor of it, or -1. */
static int
open_mirror(const char *root, char *err, size_t errlen)
{
    struct stat st;
    int fd;

    if (mkdir(root, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make the kit's mirror %s: %s", root,
                 strerror(errno));
        return -1;
    }
    fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_uid != geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        snprintf(err, errlen,
                 "%s is not a folder of the grader's own (owned by it, "
                 "written by no one else): the kit cannot be mirrored there; "
                 "remove it",
                 root);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* Open to the sandbox user whatever the umask made of it. */
    if (fchmod(fd, 0755) != 0) {
        snprintf(err, errlen, "cannot open the kit's mirror %s: %s", root,
                 strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Each lab's kit/hidden/ into the mirror, closed to all but its owner from
 * the first byte (rsync --chmod), so that it never stands open, not even
 * while another grader of the class refreshes the mirror. Called with the
 * mirror locked. Returns 0, or -1 with the reason. */
static int
mirror_hidden(const char *kit, const char *root, char *err, size_t errlen)
{
    char *labs = path_join(kit, "labs", NULL);
    DIR *d = labs != NULL ? opendir(labs) : NULL;
    struct dirent *e;
    int rc = 0;

    if (d == NULL) {
        free(labs);
        return 0; /* the first copy found no labs either */
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char from[PATH_MAX], to[PATH_MAX];
        struct run_result r;
        if (e->d_name[0] == '.' ||
            snprintf(from, sizeof(from), "%s/%s/kit/hidden/", labs,
                     e->d_name) >= (int)sizeof(from) ||
            snprintf(to, sizeof(to), "%s/labs/%s/kit/hidden/", root,
                     e->d_name) >= (int)sizeof(to) ||
            !is_dir(from))
            continue;
        char *argv[] = {"/usr/bin/rsync",
                        "--recursive",
                        "--perms",
                        "--times",
                        "--delete",
                        "--chmod=D700,F600",
                        from,
                        to,
                        NULL};
        struct run_request req = {
            .argv = argv,
            .limits = {.wall_seconds = 60, .output_bytes = 16 * 1024},
        };
        if (run_program(&req, &r) != 0 || r.end != RUN_EXITED ||
            r.exit_code != 0) {
            cut_printf(err, errlen,
                       "copying the hidden tests of %s to the kit's mirror "
                       "failed: %s",
                       e->d_name, r.output != NULL ? r.output : "");
            rc = -1;
        }
        run_result_free(&r);
    }
    closedir(d);
    free(labs);
    return rc;
}

int
mirror_kit(const char *kit, char root[PATH_MAX], char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char from[PATH_MAX + 2], to[PATH_MAX + 2];
    struct run_result r;
    int fd, rc;

    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    if (snprintf(root, PATH_MAX, "%s/kit-mirror-%016llx", tmp,
                 (unsigned long long)path_hash(kit)) >= PATH_MAX ||
        snprintf(from, sizeof(from), "%s/", kit) >= (int)sizeof(from) ||
        snprintf(to, sizeof(to), "%s/", root) >= (int)sizeof(to)) {
        snprintf(err, errlen, "the kit's path is too long to mirror");
        return -1;
    }
    fd = open_mirror(root, err, errlen);
    if (fd < 0)
        return -1;
    /* What builds and runs read, and nothing else: not solutions/, not the
     * points of lab.ini, not the grader or the kit's own tests. The hidden
     * tests come apart (mirror_hidden()). The mirror's build/ is its own,
     * kept (an excluded path is not deleted). */
    char *argv[] = {"/usr/bin/rsync",
                    "--recursive",
                    "--links",
                    "--perms",
                    "--times",
                    "--delete",
                    "--chmod=go+rX,go-w",
                    "--exclude=/build/",
                    "--exclude=/labs/*/kit/lab.ini",
                    "--exclude=/labs/*/kit/hidden/",
                    "--include=/Makefile",
                    "--include=/mk/***",
                    "--include=/common/***",
                    "--include=/labs/***",
                    "--exclude=*",
                    from,
                    to,
                    NULL};
    struct run_request req = {
        .argv = argv,
        .limits = {.wall_seconds = 120, .output_bytes = 16 * 1024},
    };

    /* One copy at a time: the graders of a class mirror the same kit. */
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            snprintf(err, errlen, "cannot lock the kit's mirror %s: %s", root,
                     strerror(errno));
            close(fd);
            return -1;
        }
    rc = run_program(&req, &r);
    if (rc == 0 && r.end == RUN_EXITED && r.exit_code == 0) {
        run_result_free(&r);
        rc = mirror_hidden(kit, root, err, errlen);
        close(fd);
        return rc;
    }
    if (rc == 0 && (r.end != RUN_EXITED || r.exit_code != 0)) {
        char how[200];

        run_describe(&r, how, sizeof(how));
        cut_printf(err, errlen,
                   "copying the kit to its mirror %s failed (%s): %s", root,
                   how, r.output != NULL ? r.output : "");
        rc = -1;
    } else if (rc != 0) {
        cut_printf(err, errlen, "copying the kit to its mirror %s: %s", root,
                   r.output != NULL ? r.output : "rsync did not start");
    }
    run_result_free(&r);
    close(fd); /* and the lock with it */
    return rc == 0 ? 0 : -1;
}
