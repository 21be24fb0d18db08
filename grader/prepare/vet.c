/* SPDX-License-Identifier: MIT */
/* The grader's preparation: what a submission's objects may not define or
 * run (see vet.h). */
#include "prepare/vet.h"
#include "base/files.h"
#include "base/text.h"
#include "prepare/elf.h"
#include "prepare/symbols.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names a submission could ask whether a sanitizer watches it by: the
 * compilers' predefined macros and feature tests, the sanitizers' options
 * in the environment, their runtimes' libraries; and the prefixes of their
 * runtimes' symbols. */
static const char *const sanitizer_words[] = {
    "__SANITIZE_THREAD__",
    "__SANITIZE_ADDRESS__",
    "__SANITIZE_HWADDRESS__",
    "thread_sanitizer",
    "address_sanitizer",
    "hwaddress_sanitizer",
    "memory_sanitizer",
    "undefined_behavior_sanitizer",
    "leak_sanitizer",
    "TSAN_OPTIONS",
    "ASAN_OPTIONS",
    "UBSAN_OPTIONS",
    "LSAN_OPTIONS",
    "MSAN_OPTIONS",
    "libtsan",
    "libasan",
    "libubsan",
    NULL,
};
static const char *const sanitizer_prefixes[] = {
    "__tsan_", "__asan_",   "__ubsan_",     "__lsan_",
    "__msan_", "__hwasan_", "__sanitizer_", NULL,
};

/* The dynamic loader's calls: a submission calls what it names, and one
 * that looks names up at run time could find anything (a sanitizer's
 * runtime, a libc function under another name) where no check sees it. */
static const char *const loader_calls[] = {
    "dlopen", "dlmopen", "dlsym",           "dlvsym",
    "dladdr", "dlinfo",  "dl_iterate_phdr", NULL,
};

/* The source without its comments (strings and characters kept, line
 * breaks kept so that lines still count); malloc'ed. */
static char *
strip_comments(const char *s)
{
    struct text t = TEXT_INIT;

    while (*s != '\0') {
        if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            for (const char *p = s; p < (end ? end : s + strlen(s)); p++)
                if (*p == '\n')
                    text_addc(&t, '\n');
            s = end != NULL ? end + 2 : s + strlen(s);
            text_addc(&t, ' ');
        } else if (s[0] == '/' && s[1] == '/') {
            s += strcspn(s, "\n");
        } else if (*s == '"' || *s == '\'') {
            char quote = *s;
            text_addc(&t, *s++);
            while (*s != '\0' && *s != quote && *s != '\n') {
                if (*s == '\\' && s[1] != '\0')
                    text_addc(&t, *s++);
                text_addc(&t, *s++);
            }
            if (*s == quote)
                text_addc(&t, *s++);
        } else {
            text_addc(&t, *s++);
        }
    }
    return text_steal(&t);
}

/* The first word of sanitizer_words, or identifier with a prefix of
 * sanitizer_prefixes, in the code of `path`, and its line; 0 when none. */
static int
asks_for_sanitizer(const char *path, char *word, size_t len)
{
    char *source = read_small_file(path, 1 << 20), *code;
    int line = 0;

    if (source == NULL)
        return 0;
    code = strip_comments(source);
    free(source);
    for (const char *p = code; code != NULL && *p != '\0' && line == 0; p++) {
        for (size_t i = 0; sanitizer_words[i] != NULL && line == 0; i++)
            if (strncmp(p, sanitizer_words[i], strlen(sanitizer_words[i])) == 0)
                snprintf(word, len, "%s", sanitizer_words[i]);
        for (size_t i = 0; sanitizer_prefixes[i] != NULL && word[0] == '\0';
             i++)
            if (strncmp(p, sanitizer_prefixes[i],
                        strlen(sanitizer_prefixes[i])) == 0)
                snprintf(word, len, "%.*s", (int)strcspn(p, " \t\n(),;"), p);
        if (word[0] != '\0') {
            line = 1;
            for (const char *q = code; q < p; q++)
                line += *q == '\n';
        }
    }
    free(code);
    return line;
}

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
 * folder's (drivers, serial references, wrappers, hidden tests) and its
 * tests'. */
static int
load_reserved(const char *kit, const char *lab, struct symbol_set *set)
{
    static struct symbol_set system_names;
    static int system_loaded;
    static const char *const folders[] = {"kit", "kit/wrap", "kit/hidden",
                                          "tests"};
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

/* The code lines of `name` in a preprocessor's output `text`: the lines
 * while its line markers (`# LINE "FILE"`) name a file called `name`, each
 * with its line number in that file, blank ones left out. */
struct code_line {
    long line;
    const char *text; /* into the output, up to its '\n' */
    size_t len;
};

static size_t
code_lines(const char *text, const char *name, struct code_line **out)
{
    size_t n = 0, cap = 0, nlen = strlen(name);
    long line = 0;
    bool ours = false;

    *out = NULL;
    for (const char *p = text; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        const char *q = p;

        if (p[0] == '#' && p[1] == ' ' && p[2] >= '0' && p[2] <= '9') {
            char *end;
            line = strtol(p + 2, &end, 10);
            const char *open = memchr(end, '"', (size_t)(p + len - end));
            const char *close =
                open != NULL
                    ? memchr(open + 1, '"', (size_t)(p + len - open - 1))
                    : NULL;
            if (close != NULL) {
                size_t flen = (size_t)(close - open - 1);
                ours = flen >= nlen && memcmp(close - nlen, name, nlen) == 0 &&
                       (flen == nlen || close[-(long)nlen - 1] == '/');
            }
        } else {
            while (q < p + len && (*q == ' ' || *q == '\t'))
                q++;
            if (ours && q < p + len) {
                if (n == cap) {
                    cap = cap ? 2 * cap : 256;
                    struct code_line *grown =
                        realloc(*out, cap * sizeof(**out));
                    if (grown == NULL)
                        break;
                    *out = grown;
                }
                (*out)[n++] =
                    (struct code_line){line, q, (size_t)(p + len - q)};
            }
            line++;
        }
        p += len + (p[len] == '\n');
    }
    return n;
}

/* The first line of `name` whose code differs between the two preprocessed
 * files `a` and `b`; 0 when none does, -1 when one cannot be read. */
static long
first_difference(const char *a, const char *b, const char *name)
{
    char *ta = read_small_file(a, 64 << 20), *tb = read_small_file(b, 64 << 20);
    struct code_line *la = NULL, *lb = NULL;
    long found = -1;

    if (ta != NULL && tb != NULL) {
        size_t na = code_lines(ta, name, &la), nb = code_lines(tb, name, &lb);
        found = 0;
        for (size_t i = 0; i < na || i < nb; i++)
            if (i >= na || i >= nb || la[i].len != lb[i].len ||
                memcmp(la[i].text, lb[i].text, la[i].len) != 0) {
                found = i < na ? la[i].line : lb[i].line;
                if (found < 1)
                    found = 1;
                break;
            }
    }
    free(la);
    free(lb);
    free(ta);
    free(tb);
    return found;
}

char *
vet_submission(const char *kit, const char *lab, const struct lab_spec *spec,
               const char *submit_dir, const struct lab_build *release,
               const struct vet_views *views)
{
    struct symbol_set reserved = {0};
    struct text t = TEXT_INIT;

    if (load_reserved(kit, lab, &reserved) != 0) {
        symbols_free(&reserved);
        text_add(&t, "the grader could not read the symbol tables of the "
                     "system's libraries or of the kit's build");
        return text_steal(&t);
    }
    for (int i = 0; i < spec->nsubmit; i++) {
        char object[PATH_MAX], source[PATH_MAX], report[4096], sections[512],
            word[128], names[512];
        int n, line;

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
        if (snprintf(source, sizeof(source), "%s/%s", submit_dir,
                     spec->submit[i]) < (int)sizeof(source) &&
            (word[0] = '\0',
             line = asks_for_sanitizer(source, word, sizeof(word))) > 0)
            text_addf(&t,
                      "%s asks whether a sanitizer watches it (%s, line %d): "
                      "not allowed; what a submission does must not depend "
                      "on how it is checked\n",
                      spec->submit[i], word, line);
        else if (elf_names_with_prefix(object, sanitizer_prefixes, names,
                                       sizeof(names)) > 0)
            text_addf(&t,
                      "%s refers to a sanitizer's runtime (%s): not allowed; "
                      "what a submission does must not depend on how it is "
                      "checked\n",
                      spec->submit[i], names);
        else if (elf_names_with_prefix(object, loader_calls, names,
                                       sizeof(names)) > 0)
            text_addf(&t,
                      "%s looks names up at run time (%s): not allowed; a "
                      "submission calls the functions it names, where the "
                      "grader's checks see them\n",
                      spec->submit[i], names);
        else
            for (int v = 1; v < views->n; v++) {
                /* However it is spelled (a macro pasted together, a
                 * feature test, a kit header's macro), a test of the
                 * build shows as code that reads differently. */
                char a[PATH_MAX + 300], b[PATH_MAX + 300];
                const char *name = spec->submit[i];
                int len = (int)strlen(name) - 2;
                if (len > 255)
                    continue;
                snprintf(a, sizeof(a), "%s/submit/%.*s.i", views->dir[0], len,
                         name);
                snprintf(b, sizeof(b), "%s/submit/%.*s.i", views->dir[v], len,
                         name);
                long differs = first_difference(a, b, name);
                if (differs > 0) {
                    text_addf(&t,
                              "%s reads differently in the %s build than in "
                              "the %s build (from line %ld): it asks how it "
                              "is built, which a sanitizer changes; not "
                              "allowed, what a submission does must not "
                              "depend on how it is checked\n",
                              name, views->flavour[v], views->flavour[0],
                              differs);
                    break;
                }
                if (differs < 0) {
                    text_addf(&t,
                              "the grader could not read %s as the %s build "
                              "preprocesses it\n",
                              name, views->flavour[v]);
                    break;
                }
            }
        n = elf_outside_main(object, sections, sizeof(sections));
        if (n > 0)
            text_addf(&t,
                      "%s has code that runs before or after main (%s: a "
                      "constructor, destructor or ifunc resolver), outside "
                      "the tests: not allowed, remove it\n",
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
