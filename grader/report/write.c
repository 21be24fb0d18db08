/* SPDX-License-Identifier: MIT */
/* The grader's reports: writing one to its file (see report.h). */
#include "base/files.h"
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
report_write_file(const struct text *t, const char *path, const char *who)
{
    if (path == NULL) {
        fprintf(stderr, "grader: %s: no file name given\n", who);
        return -1;
    }
    if (t->failed) {
        fprintf(stderr, "grader: %s: %s: out of memory\n", who, path);
        return -1;
    }
    if (write_file_atomic(path, text_str(t), t->len) != 0) {
        fprintf(stderr, "grader: %s: cannot write %s: %s\n", who, path,
                strerror(errno));
        return -1;
    }
    return 0;
}
