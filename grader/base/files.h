/* SPDX-License-Identifier: MIT */
/* The grader's base: folders, paths and whole files, for the grader and
 * grade-class alike. */
#ifndef GRADER_BASE_FILES_H
#define GRADER_BASE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

bool is_dir(const char *path);
bool is_file(const char *path);

/* mkdir -p. Folders that exist already are left as they are. Returns 0, or
 * -1 with errno. */
int make_dirs(const char *path, mode_t mode);

/* "a/b/c", or "a/b" when c is NULL; malloc'ed, NULL when out of memory. */
char *path_join(const char *a, const char *b, const char *c);

/* Whether `path` is `dir` or lies below it; both absolute and resolved. */
bool path_inside(const char *path, const char *dir);

/* The part of `path` after its last '/'. */
const char *path_base(const char *path);

/* The folders of `dir` not starting with '.' that `keep` accepts (NULL:
 * every one), sorted by bytes (not the locale: the same order on every
 * machine); NULL with errno set when `dir` cannot be read. free_names()
 * frees the list. */
char **list_folders(const char *dir, bool (*keep)(const char *path),
                    size_t *count);
void free_names(char **names, size_t n);

/* Write `len` bytes to a new file beside `path` and rename it over `path`:
 * whatever stood there before (a file planted by the code graded, a link
 * to elsewhere) is replaced, never written through, and a reader sees the
 * old file or the whole new one, never a part. A device or a pipe
 * (/dev/stdout) is written as it is. Returns 0, or -1 with errno. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* A whole small file as a string, or NULL (errno set; EFBIG: longer than
 * `max` bytes) if it is missing, unreadable or too long. */
char *read_small_file(const char *path, size_t max);

/* The same, for bytes that may hold NULs: their number in *len (when not
 * NULL), a NUL after them. */
char *read_file_bytes(const char *path, size_t max, size_t *len);

/* snprintf for messages that may be cut short: a reason too long for its
 * buffer is still worth its first part. */
void cut_printf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
