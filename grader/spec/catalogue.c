/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: the kit's labs (see catalogue.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "spec/catalogue.h"
#include "base/files.h"
#include "spec/tcases.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool
has_lab_ini(const char *path)
{
    char *ini = path_join(path, LAB_INI, NULL);
    bool ok = ini != NULL && access(ini, R_OK) == 0;

    free(ini);
    return ok;
}

int
catalogue_open(struct catalogue *c, const char *kit, char *err, size_t errlen)
{
    char *dir;

    memset(c, 0, sizeof(*c));
    if (realpath(kit, c->kit) == NULL || !is_dir(c->kit)) {
        snprintf(err, errlen, "--kit %s: no such folder", kit);
        return -1;
    }
    dir = path_join(c->kit, "labs", NULL);
    c->labs = dir != NULL ? list_folders(dir, has_lab_ini, &c->nlabs) : NULL;
    free(dir);
    if (c->labs == NULL || c->nlabs == 0) {
        snprintf(err, errlen, "%s/labs holds no lab (is --kit the kit?)",
                 c->kit);
        catalogue_close(c);
        return -1;
    }
    return 0;
}

void
catalogue_close(struct catalogue *c)
{
    free_names(c->labs, c->nlabs);
    c->labs = NULL;
    c->nlabs = 0;
}

const char *
catalogue_find(const struct catalogue *c, const char *wanted, char *err,
               size_t errlen)
{
    char *end;
    long number = strtol(wanted, &end, 10);
    bool by_number = end != wanted && *end == '\0';
    size_t used;

    for (size_t i = 0; i < c->nlabs; i++) {
        if (strcmp(c->labs[i], wanted) == 0)
            return c->labs[i];
        if (by_number && atol(c->labs[i]) == number)
            return c->labs[i];
    }
    snprintf(err, errlen, "no lab '%s'; the labs are:", wanted);
    for (size_t i = 0; i < c->nlabs; i++)
        if ((used = strlen(err)) < errlen)
            snprintf(err + used, errlen - used, " %s", c->labs[i]);
    return NULL;
}

char *
catalogue_path(const struct catalogue *c, const char *lab, const char *rel)
{
    char *dir = path_join(c->kit, "labs", lab);
    char *path;

    if (dir == NULL || rel == NULL)
        return dir;
    path = path_join(dir, rel, NULL);
    free(dir);
    return path;
}

static bool
is_submit(const struct lab_spec *spec, const char *name)
{
    for (int i = 0; i < spec->nsubmit; i++)
        if (strcmp(spec->submit[i], name) == 0)
            return true;
    return false;
}

/* The .c files at the top of the lab folder are the student's: each must
 * be a submit file, and each submit file must be there. */
static int
check_folder(const struct lab_spec *spec, const char *dir, char *err,
             size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0, rc = 0;

    if (d == NULL) {
        snprintf(err, errlen, "%s: cannot be read", dir);
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        if (!is_submit(spec, e->d_name)) {
            snprintf(err, errlen,
                     "%s/%s: a .c file at the top of a lab folder is the "
                     "student's, but lab.ini does not submit it (move a kit "
                     "file into %s/)",
                     dir, e->d_name, LAB_KIT_FOLDER);
            rc = -1;
        }
        found++;
    }
    closedir(d);
    if (rc == 0 && found != spec->nsubmit) {
        snprintf(err, errlen,
                 "%s: lab.ini submits %d file(s), the folder's top holds %d "
                 ".c file(s): each submit file belongs there",
                 dir, spec->nsubmit, found);
        rc = -1;
    }
    return rc;
}

int
catalogue_read(const struct catalogue *c, const char *lab, struct lab_spec *out,
               char *err, size_t errlen)
{
    char *dir = catalogue_path(c, lab, NULL);
    char *ini = catalogue_path(c, lab, LAB_INI);
    char *tests = catalogue_path(c, lab, "tests");
    char *hidden = catalogue_path(c, lab, LAB_HIDDEN);
    const char *sources[] = {tests, hidden, NULL};
    char why[768];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (dir == NULL || ini == NULL || tests == NULL || hidden == NULL)
        snprintf(err, errlen, "out of memory");
    else if (labini_read(ini, out, err, errlen) == 0) {
        rc = check_folder(out, dir, err, errlen);
        if (rc == 0 && tcases_check(out, sources, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s: %s", ini, why);
            rc = -1;
        }
        if (rc != 0)
            labini_free(out);
    }
    free(dir);
    free(ini);
    free(tests);
    free(hidden);
    return rc;
}
