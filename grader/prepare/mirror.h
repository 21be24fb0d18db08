/* SPDX-License-Identifier: MIT */
/* The grader's preparation: the kit's mirror. As root, builds and runs of
 * student code are the sandbox user's, who must read the kit's headers,
 * makefiles and builds; where the kit lies in a folder closed to others
 * (a root home is 0700), the grader does not ask anyone to open it, nor
 * opens it itself. It copies what builds and runs need, and only that
 * (the Makefile, mk/, common/ and labs/ without lab.ini), into a folder
 * of its own that the sandbox user can read but not write, and builds the
 * kit's objects there. The mirror lasts between gradings, keyed by the
 * kit's path: each grading brings it up to date (rsync), and make finds
 * its builds up to date. */
#ifndef GRADER_PREPARE_MIRROR_H
#define GRADER_PREPARE_MIRROR_H

#include <limits.h>
#include <stddef.h>

/* Copy the kit at `kit` (absolute) to its mirror, in $TMPDIR (or /tmp),
 * and put the mirror's path in `root`. Several graders may mirror the same
 * kit at once: one copies at a time. Returns 0, or -1 with the reason in
 * `err` (a folder of that name that is not the grader's own, a copy that
 * failed). */
int mirror_kit(const char *kit, char root[PATH_MAX], char *err, size_t errlen);

#endif
