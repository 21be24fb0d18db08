/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: lab.ini's TCases against the tests' sources (see
 * tcases.h). */
#include "spec/tcases.h"
#include "base/files.h"
#include "base/text.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CREATE "tcase_create(\""

/* Whether a tcase_create("name") of `source` names `name`, and every
 * name it creates added to `names` (", "-separated, for the message). */
static bool
creates(const char *source, const char *name, struct text *names)
{
    bool found = false;
    size_t len = strlen(name);

    for (const char *p = strstr(source, CREATE); p != NULL;
         p = strstr(p, CREATE)) {
        const char *start = p + strlen(CREATE);
        const char *end = strchr(start, '"');

        if (end == NULL)
            break;
        found = found ||
                ((size_t)(end - start) == len && memcmp(start, name, len) == 0);
        text_addf(names, "%s\"%.*s\"", names->len > 0 ? ", " : "",
                  (int)(end - start), start);
        p = end;
    }
    return found;
}

/* Whether the .c files of `dir` (a folder that is not there has none)
 * create a TCase `name`. */
static bool
tcase_in(const char *dir, const char *name, struct text *names)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;

    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char *path, *source;

        if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
            continue;
        path = path_join(dir, e->d_name, NULL);
        source = path != NULL ? read_small_file(path, 4 << 20) : NULL;
        if (source != NULL && creates(source, name, names))
            found = true;
        free(source);
        free(path);
    }
    if (d != NULL)
        closedir(d);
    return found;
}

static bool
tcase_exists(const char *const *dirs, const char *name, struct text *names)
{
    bool found = false;

    for (size_t i = 0; dirs[i] != NULL; i++)
        found = tcase_in(dirs[i], name, names) || found;
    return found;
}

int
tcases_check(const struct lab_spec *spec, const char *const *dirs, char *err,
             size_t errlen)
{
    for (int i = 0; i < spec->ntests; i++) {
        const char *tcase = spec->tests[i].tcase;
        struct text names = TEXT_INIT;

        if (tcase == NULL || tcase_exists(dirs, tcase, &names)) {
            text_free(&names);
            continue;
        }
        snprintf(err, errlen,
                 "[test \"%s\"] tcase = %s: the lab's tests create no TCase "
                 "of that name (they create %s)",
                 spec->tests[i].name, tcase,
                 names.len > 0 ? text_str(&names) : "none");
        text_free(&names);
        return -1;
    }
    return 0;
}
