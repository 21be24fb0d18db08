/* SPDX-License-Identifier: MIT */
/* grade-class: the roster: the students of a class folder, the kit's labs,
 * and where each student's submission of a lab is. */
#include "class.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
roster_load(struct roster *r, const struct class_options *o, char *err,
            size_t errlen)
{
    memset(r, 0, sizeof(*r));
    if (catalogue_open(&r->labs, o->kit, err, errlen) != 0)
        return -1;
    r->graded = calloc(r->labs.nlabs, sizeof(*r->graded));
    if (r->graded == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (o->lab != NULL) {
        const char *lab = catalogue_find(&r->labs, o->lab, err, errlen);
        if (lab == NULL)
            return -1;
        r->graded[r->ngraded++] = (char *)lab;
    } else {
        for (size_t i = 0; i < r->labs.nlabs; i++)
            r->graded[r->ngraded++] = r->labs.labs[i];
    }
    r->students = list_folders(o->submissions, NULL, &r->nstudents);
    if (r->students == NULL) {
        snprintf(err, errlen, "%s: cannot list its folders: %s", o->submissions,
                 strerror(errno));
        return -1;
    }
    return 0;
}

void
roster_free(struct roster *r)
{
    free_names(r->students, r->nstudents);
    catalogue_close(&r->labs);
    free(r->graded); /* its names belong to r->labs */
    memset(r, 0, sizeof(*r));
}

/* A student hands in a lab as DIR/student/labs/LAB (a copy of the kit's
 * labs/ tree), as DIR/student/LAB, or as the lab's files at the top of
 * DIR/student: the first that exists is the submission. */
char *
roster_submission_for(const struct class_options *o, const char *student,
                      const char *lab)
{
    char *base = path_join(o->submissions, student, NULL), *path;

    if (base == NULL)
        return NULL;
    path = path_join(base, "labs", lab);
    if (path != NULL && is_dir(path))
        goto found;
    free(path);
    path = path_join(base, lab, NULL);
    if (path != NULL && is_dir(path))
        goto found;
    free(path);
    return base;
found:
    free(base);
    return path;
}
