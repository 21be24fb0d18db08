/* grade-class: the roster: the students of a class folder, the kit's labs,
 * and where each student's submission of a lab is. */
#include "class.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
free_names(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Byte order, not the locale's: the gradebook's rows come out the same on
 * every machine. */
static int
by_bytes(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The folders of `dir` not starting with '.' that `keep` accepts (NULL:
 * every one), sorted; NULL with errno set when `dir` cannot be read. */
static char **
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

static bool
has_lab_ini(const char *path)
{
    char *ini = path_join(path, "lab.ini", NULL);
    bool ok = ini != NULL && access(ini, R_OK) == 0;

    free(ini);
    return ok;
}

/* The kit's labs: folders of KIT/labs with a lab.ini, sorted, as the
 * grader lists them. */
char **
kit_labs(const char *kit, size_t *count)
{
    char *dir = path_join(kit, "labs", NULL);
    char **labs = dir != NULL ? list_folders(dir, has_lab_ini, count) : NULL;

    free(dir);
    return labs;
}

/* "2", "02" or "02-threads" to the lab's folder name, as the grader's
 * --lab takes it; NULL when the kit has no such lab. */
const char *
find_lab(char *const *labs, size_t nlabs, const char *wanted)
{
    char *end;
    long number = strtol(wanted, &end, 10);

    for (size_t i = 0; i < nlabs; i++) {
        if (strcmp(labs[i], wanted) == 0)
            return labs[i];
        if (end != wanted && *end == '\0' && atol(labs[i]) == number)
            return labs[i];
    }
    return NULL;
}

int
roster_load(struct roster *r, const struct class_options *o, char *err,
            size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->labs = kit_labs(o->kit, &r->nlabs);
    if (r->labs == NULL || r->nlabs == 0) {
        snprintf(err, errlen, "%s/labs holds no lab (is --kit the kit?)",
                 o->kit);
        return -1;
    }
    r->graded = calloc(r->nlabs, sizeof(*r->graded));
    if (r->graded == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (o->lab != NULL) {
        const char *lab = find_lab(r->labs, r->nlabs, o->lab);
        if (lab == NULL) {
            int n = snprintf(err, errlen, "no lab '%s'; the labs are:", o->lab);
            for (size_t i = 0; i < r->nlabs && n >= 0 && (size_t)n < errlen;
                 i++)
                n += snprintf(err + n, errlen - (size_t)n, " %s", r->labs[i]);
            return -1;
        }
        r->graded[r->ngraded++] = (char *)lab;
    } else {
        for (size_t i = 0; i < r->nlabs; i++)
            r->graded[r->ngraded++] = r->labs[i];
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
    free_names(r->labs, r->nlabs);
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
