/* SPDX-License-Identifier: MIT */
/* The grader's preparation: what a submission's objects may not define or
 * run (see vet.h). */
#include "prepare/vet.h"
#include "base/text.h"
#include "prepare/sections.h"
#include "prepare/symbols.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Add the global definitions of every object in `folder`. */
static void
add_objects(struct symbol_set *set, const char *folder)
{
    DIR *dir = opendir(folder);
    struct dirent *e;

    while (dir != NULL && (e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[PATH_MAX];

        if (len > 2 && strcmp(e->d_name + len - 2, ".o") == 0 &&
            snprintf(path, sizeof(path), "%s/%s", folder, e->d_name) <
                (int)sizeof(path))
            symbols_add_file(set, path, 0);
    }
    if (dir != NULL)
        closedir(dir);
}

/* The names the student may not define: the system's (read once per
 * grader run), libkit's, and those of the lab's own objects: its kit/
 * folder's (drivers, serial references, wrappers) and its tests'. */
static int
load_reserved(const char *kit, const char *lab, struct symbol_set *set)
{
    static struct symbol_set system_names;
    static int system_loaded;
    static const char *const folders[] = {"kit", "tests"};
    char path[PATH_MAX];

    if (!system_loaded) {
        if (symbols_add_system(&system_names) != 0)
            return -1;
        system_loaded = 1;
    }
    for (size_t i = 0; i < system_names.n; i++)
        symbols_add_name(set, system_names.names[i]);
    snprintf(path, sizeof(path), "%s/build/release/common/libkit.a", kit);
    if (symbols_add_file(set, path, 0) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
        if (snprintf(path, sizeof(path), "%s/build/release/labs/%s/%s", kit,
                     lab, folders[i]) < (int)sizeof(path))
            add_objects(set, path);
    }
    symbols_seal(set);
    return 0;
}

char *
vet_submission(const char *kit, const char *lab, const struct lab_spec *spec,
               const struct lab_build *release)
{
    struct symbol_set reserved = {0};
    struct text t = TEXT_INIT;

    if (load_reserved(kit, lab, &reserved) != 0) {
        symbols_free(&reserved);
        text_add(&t, "the grader could not read the system's symbol tables "
                     "with nm (is binutils installed?)");
        return text_steal(&t);
    }
    for (int i = 0; i < spec->nsubmit; i++) {
        char object[PATH_MAX], report[4096], sections[512];
        int n;

        if (snprintf(object, sizeof(object), "%s/submit/%.*s.o", release->out,
                     (int)strlen(spec->submit[i]) - 2,
                     spec->submit[i]) >= (int)sizeof(object)) {
            text_addf(&t, "%s: the build's path is too long\n",
                      spec->submit[i]);
            continue;
        }
        if (symbols_check(&reserved, object, spec->submit[i], report,
                          sizeof(report)) != 0)
            text_add(&t, report);
        n = sections_find_init(object, sections, sizeof(sections));
        if (n > 0)
            text_addf(&t,
                      "%s has code that runs before or after main (%s: a "
                      "constructor or destructor), outside the tests: not "
                      "allowed, remove it\n",
                      spec->submit[i], sections);
        else if (n < 0)
            text_addf(&t, "the grader could not read %s's object file\n",
                      spec->submit[i]);
    }
    symbols_free(&reserved);
    if (t.len == 0 && !t.failed) {
        text_free(&t);
        return NULL;
    }
    return text_steal(&t);
}
