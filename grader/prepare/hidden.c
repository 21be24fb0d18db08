/* SPDX-License-Identifier: MIT */
/* Preparing a submission: the instructor's hidden tests kept from student
 * code (see hidden.h). */
#include "prepare/hidden.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
hidden_tests_close(const struct catalogue *c, const char *kit, char *err,
                   size_t errlen)
{
    int found = 0;

    for (size_t i = 0; i < c->nlabs; i++) {
        char path[PATH_MAX];
        struct stat st;

        if (snprintf(path, sizeof(path), "%s/labs/%s/%s", kit, c->labs[i],
                     LAB_HIDDEN) >= (int)sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        found++;
        if (geteuid() != 0)
            continue;
        /* Root's, and root's alone: whoever owned it could open it again. */
        if ((st.st_uid != 0 && chown(path, 0, st.st_gid) != 0) ||
            ((st.st_mode & 077) != 0 && chmod(path, st.st_mode & 0700) != 0)) {
            snprintf(err, errlen, "%s: cannot close it to other users: %s",
                     path, strerror(errno));
            return -1;
        }
    }
    return found;
}
