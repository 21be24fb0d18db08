/* SPDX-License-Identifier: MIT */
/* The grader's base: folders, paths and whole files (see files.h). */
#define _GNU_SOURCE /* asprintf */
#include "base/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
make_dirs(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -1;
    if (!is_dir(buf)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

char *
path_join(const char *a, const char *b, const char *c)
{
    char *p;
    int n = c != NULL ? asprintf(&p, "%s/%s/%s", a, b, c)
                      : asprintf(&p, "%s/%s", a, b);

    return n < 0 ? NULL : p;
}

bool
path_inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    while (n > 0 && dir[n - 1] == '/')
        n--;
    if (n == 0)
        return path[0] == '/'; /* everything is inside "/" */
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *
path_base(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

void
free_names(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int
by_bytes(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

char **
list_folders(const char *dir, bool (*keep)(const char *path), size_t *count)
{
    struct dirent **entries;
    char **names;
    int n = scandir(dir, &entries, NULL, by_bytes);
    bool failed = false;

    *count = 0;
    if (n < 0)
        return NULL;
    names = calloc((size_t)n + 1, sizeof(*names));
    for (int i = 0; i < n; i++) {
        char *path = NULL;
        if (names != NULL && !failed && entries[i]->d_name[0] != '.') {
            path = path_join(dir, entries[i]->d_name, NULL);
            if (path == NULL)
                failed = true;
            else if (is_dir(path) && (keep == NULL || keep(path))) {
                names[*count] = strdup(entries[i]->d_name);
                if (names[*count] == NULL)
                    failed = true;
                else
                    (*count)++;
            }
        }
        free(path);
        free(entries[i]);
    }
    free(entries);
    if (names == NULL || failed) {
        free_names(names, *count);
        *count = 0;
        errno = ENOMEM;
        return NULL;
    }
    return names;
}

/* All of data to fd, again after a signal. */
static int
write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int
write_file_atomic(const char *path, const char *data, size_t len)
{
    char temp[PATH_MAX];
    struct stat st;
    int fd, saved;

    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return -1;
        if (write_all(fd, data, len) != 0) {
            saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        return close(fd);
    }
    if (snprintf(temp, sizeof(temp), "%s.XXXXXX", path) >= (int)sizeof(temp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkstemp(temp);
    if (fd < 0)
        return -1;
    if (fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(temp, path) != 0)
        goto fail;
    return 0;
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(temp);
    errno = saved;
    return -1;
}

char *
read_file_bytes(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "re");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(max + 1);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        int saved = ferror(f) ? EIO : EFBIG;
        free(buf);
        fclose(f);
        errno = saved;
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

char *
read_small_file(const char *path, size_t max)
{
    return read_file_bytes(path, max, NULL);
}

void
cut_printf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}
