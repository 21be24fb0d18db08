/* grade-class: the file-system helpers: folders, paths, and files written
 * so that an interrupted run never leaves half of one behind. */
#define _GNU_SOURCE /* asprintf */
#include "class.h"

#include <errno.h>
#include <fcntl.h>
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

/* mkdir -p. Folders that exist already are left as they are. */
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

/* "a/b/c", or "a/b" when c is NULL; NULL when out of memory. */
char *
path_join(const char *a, const char *b, const char *c)
{
    char *p;
    int n = c != NULL ? asprintf(&p, "%s/%s/%s", a, b, c)
                      : asprintf(&p, "%s/%s", a, b);

    return n < 0 ? NULL : p;
}

/* The data lands under a temporary name first and is renamed over `path`,
 * so a reader sees the old file or the whole new one, never a part. */
int
write_file_atomic(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX];
    int fd, saved;
    size_t done = 0;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
        (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        fd = -1;
        goto fail;
    }
    return 0;
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
    return -1;
}

/* A whole small file as a string, or NULL if it is missing, unreadable or
 * longer than `max` bytes. */
char *
read_small_file(const char *path, size_t max)
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
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Whether `path` is `dir` or below it; both absolute and resolved. */
bool
path_inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (n > 0 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* snprintf for messages that may be cut short: a reason too long for its
 * buffer is still worth its first part. */
void
cut_printf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}
