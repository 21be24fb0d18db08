/* SPDX-License-Identifier: MIT */
/* The grader's preparation: making, filling and removing a lab's work
 * folder (see workdir.h). */
#define _GNU_SOURCE /* O_NOFOLLOW, nftw's FTW_DEPTH and FTW_PHYS */
#include "prepare/workdir.h"
#include "base/files.h"
#include "run/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy one submit file, refusing a link, anything larger than `max`, and a
 * file with NUL bytes: no C source holds one, and a binary would only reach
 * the compiler to fill the report with its complaints. */
static int
copy_file(const char *from, const char *to, off_t max, char *err, size_t errlen)
{
    char buf[65536];
    struct stat st;
    ssize_t n;
    int in, out, rc = -1;

    in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, errlen, "%s: %s", from,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return -1;
    }
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", from);
        close(in);
        return -1;
    }
    if (max > 0 && st.st_size > max) {
        snprintf(err, errlen, "%s: %lld bytes, more than the %lld allowed",
                 from, (long long)st.st_size, (long long)max);
        close(in);
        return -1;
    }
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0) {
        snprintf(err, errlen, "%s: %s", to, strerror(errno));
        close(in);
        return -1;
    }
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (memchr(buf, '\0', (size_t)n) != NULL) {
            snprintf(err, errlen,
                     "%s is not a C source file: it holds NUL bytes (a "
                     "binary file?); submit the .c file itself",
                     path_base(from));
            n = -2;
            break;
        }
        if (write(out, buf, (size_t)n) != n)
            break;
    }
    if (n == 0)
        rc = 0;
    else if (n != -2)
        snprintf(err, errlen, "copying %s: %s", from, strerror(errno));
    if (close(out) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: %s", to, strerror(errno));
        rc = -1;
    }
    close(in);
    return rc;
}

int
workdir_create(struct workdir *w, const char *lab, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");

    memset(w, 0, sizeof(*w));
    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    snprintf(w->root, sizeof(w->root), "%s/kit-grade-%s-XXXXXX", tmp, lab);
    if (mkdtemp(w->root) == NULL) {
        snprintf(err, errlen, "cannot make a work folder in %s: %s", tmp,
                 strerror(errno));
        w->root[0] = '\0';
        return -1;
    }
    if (snprintf(w->submit, sizeof(w->submit), "%s/submit", w->root) >=
            (int)sizeof(w->submit) ||
        snprintf(w->out, sizeof(w->out), "%s/build", w->root) >=
            (int)sizeof(w->out)) {
        snprintf(err, errlen, "the work folder's path is too long");
        workdir_remove(w);
        return -1;
    }
    if (mkdir(w->submit, 0755) != 0 || mkdir(w->out, 0755) != 0) {
        snprintf(err, errlen, "cannot prepare the work folder %s: %s", w->root,
                 strerror(errno));
        workdir_remove(w);
        return -1;
    }
    return 0;
}

int
workdir_open_for_build(struct workdir *w, const struct sandbox *s, char *err,
                       size_t errlen)
{
    if (sandbox_give_tree(s, w->root) != 0) {
        snprintf(err, errlen, "cannot give %s to the sandbox's user: %s",
                 w->root, strerror(errno));
        return -1;
    }
    return 0;
}

int
workdir_seal(struct workdir *w, const struct sandbox *s, char *err,
             size_t errlen)
{
    if (snprintf(w->run, sizeof(w->run), "%s/run", w->root) >=
        (int)sizeof(w->run)) {
        snprintf(err, errlen, "the work folder's path is too long");
        return -1;
    }
    if (sandbox_take_tree(s, w->root) != 0 ||
        (s->as_root &&
         (chown(w->root, 0, s->gid) != 0 || chmod(w->root, 0750) != 0)) ||
        mkdir(w->run, 0700) != 0 ||
        (s->as_root && chown(w->run, s->uid, s->gid) != 0)) {
        snprintf(err, errlen, "cannot prepare the work folder %s: %s", w->root,
                 strerror(errno));
        return -1;
    }
    return 0;
}

const char *
workdir_missing(const char *dir, char *const *files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        char path[PATH_MAX];
        struct stat st;

        if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >=
                (int)sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            return files[i];
    }
    return NULL;
}

int
workdir_take_submission(struct workdir *w, const char *submission,
                        char *const *files, int nfiles, char *err,
                        size_t errlen)
{
    for (int i = 0; i < nfiles; i++) {
        char from[PATH_MAX], to[PATH_MAX];
        struct stat st;

        if (snprintf(from, sizeof(from), "%s/%s", submission, files[i]) >=
                (int)sizeof(from) ||
            snprintf(to, sizeof(to), "%s/%s", w->submit, files[i]) >=
                (int)sizeof(to)) {
            snprintf(err, errlen, "%s: path too long", submission);
            return -1;
        }
        if (lstat(from, &st) != 0) {
            snprintf(err, errlen, "missing submit file %s in %s", files[i],
                     submission);
            return -1;
        }
        if (copy_file(from, to, WORKDIR_MAX_SUBMIT_BYTES, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    /* Keep going past an entry that will not go: remove all the rest. */
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void
workdir_remove(struct workdir *w)
{
    if (w->root[0] != '\0')
        nftw(w->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    w->root[0] = '\0';
}
