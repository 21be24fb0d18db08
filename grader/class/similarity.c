/* SPDX-License-Identifier: MIT */
/* grade-class: the similarity report. After a class is graded, each lab's
 * submit files are compared pair by pair with Debian's similarity tester
 * (sim_c), which sees through layout, comments, renamed identifiers and
 * reordered functions. The lines of the lab's starter are blanked out of
 * every copy first: code every student was handed is not copied work. The
 * pairs at or above the threshold go into OUT/similarity/similarity.csv,
 * each with sim_c's side-by-side listing of what the two share, for the
 * instructor to read. A pair is flagged, never penalised: the gradebook
 * does not change. */
#define _GNU_SOURCE /* asprintf */
#include "base/command.h"
#include "base/text.h"
#include "class.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIM "sim_c"
#define SIMILARITY_DIR "similarity"
/* A submit file larger than this is no student's lab file. */
#define MAX_SUBMIT_BYTES (1024 * 1024)
/* The pairs named on the terminal; the CSV has them all. */
#define PAIRS_SHOWN 10

/* One student's copy of one submit file, as sim_c is given it. */
struct copy {
    const char *student;
    const char *name; /* the student's folder name in work/ (safe_name()) */
    char *path;       /* NAME/FILE, in OUT/similarity/LAB/work, where sim_c
                         runs: its listings name the students, not OUT */
};

struct pair {
    const char *lab;            /* the roster's */
    char *file;                 /* owned */
    const struct copy *ca, *cb; /* while its lab is compared */
    const char *a, *b;          /* students (the roster's) */
    int percent;                /* the larger of the two directions */
    char *listing;              /* the side-by-side file, relative to OUT */
};

struct pairs {
    struct pair *p;
    size_t n;
};

/* A line as the starter has it, give or take the spaces around it. */
static char *
trimmed(const char *line, size_t len)
{
    while (len > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
                       line[len - 1] == '\r'))
        len--;
    return strndup(line, len);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The starter's non-blank lines, trimmed and sorted for bsearch. */
static char **
starter_lines(const char *path, size_t *n)
{
    char *text = read_small_file(path, MAX_SUBMIT_BYTES);
    char **lines = NULL;
    size_t cap = 0;

    *n = 0;
    if (text == NULL)
        return NULL;
    for (char *p = text; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        char *line = trimmed(p, len);
        if (line != NULL && line[0] != '\0') {
            if (*n == cap) {
                cap = cap ? 2 * cap : 64;
                char **grown = realloc(lines, cap * sizeof(*lines));
                if (grown == NULL) {
                    free(line);
                    break;
                }
                lines = grown;
            }
            lines[(*n)++] = line;
        } else
            free(line);
        p += len + (p[len] == '\n');
    }
    free(text);
    if (lines != NULL)
        qsort(lines, *n, sizeof(*lines), compare_strings);
    return lines;
}

/* The student's file with every line the starter has made blank (so that
 * line numbers still point into the student's file), at `to`. Returns 0,
 * or -1 when the file is missing, too large or not text. */
static int
write_without_starter(const char *from, const char *to, char **starter,
                      size_t nstarter)
{
    size_t len;
    char *text = read_file_bytes(from, MAX_SUBMIT_BYTES, &len);
    struct text out = TEXT_INIT;
    int rc;

    if (text == NULL || memchr(text, '\0', len) != NULL) {
        free(text);
        return -1;
    }
    for (char *p = text; *p != '\0';) {
        size_t n = strcspn(p, "\n");
        char *line = trimmed(p, n);
        bool given = line != NULL && line[0] != '\0' && starter != NULL &&
                     bsearch(&line, starter, nstarter, sizeof(*starter),
                             compare_strings) != NULL;
        if (!given)
            text_addn(&out, p, n);
        text_addc(&out, '\n');
        free(line);
        p += n + (p[n] == '\n');
    }
    free(text);
    rc = out.failed ? -1 : write_file_atomic(to, out.buf, out.len);
    text_free(&out);
    return rc;
}

/* A student's name as a folder name sim_c prints whole: anything but
 * letters, digits, '.', '_' and '-' becomes '_'; "~N" after it when two
 * names come out the same. */
static char *
safe_name(const char *student, size_t index, char *const *taken, size_t ntaken)
{
    char *name = strdup(student), *unique;

    if (name == NULL)
        return NULL;
    for (char *c = name; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
            *c = '_';
    for (size_t i = 0; i < ntaken; i++)
        if (taken[i] != NULL && strcmp(taken[i], name) == 0) {
            if (asprintf(&unique, "%s~%zu", name, index) < 0)
                unique = NULL;
            free(name);
            return unique;
        }
    return name;
}

/* A regular file itself, not a link to one: a student's "parallel.c" that
 * points at another student's file, or at /etc/shadow, is not compared. */
static bool
plain_file(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

/* The copy whose path sim_c printed. */
static const struct copy *
copy_at(const struct copy *copies, size_t n, const char *path, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(copies[i].path) == len &&
            strncmp(copies[i].path, path, len) == 0)
            return &copies[i];
    return NULL;
}

static struct pair *
pair_of(struct pairs *ps, const char *lab, const char *file,
        const struct copy *a, const struct copy *b)
{
    for (size_t i = 0; i < ps->n; i++)
        if (ps->p[i].lab == lab && strcmp(ps->p[i].file, file) == 0 &&
            ((ps->p[i].a == a->student && ps->p[i].b == b->student) ||
             (ps->p[i].a == b->student && ps->p[i].b == a->student)))
            return &ps->p[i];
    struct pair *grown = realloc(ps->p, (ps->n + 1) * sizeof(*grown));
    char *name = strdup(file);
    if (grown == NULL || name == NULL) {
        free(name);
        if (grown != NULL)
            ps->p = grown;
        return NULL;
    }
    ps->p = grown;
    /* In the roster's order, whichever sim_c named first. */
    if (strcmp(a->student, b->student) > 0) {
        const struct copy *c = a;
        a = b;
        b = c;
    }
    ps->p[ps->n] = (struct pair){.lab = lab,
                                 .file = name,
                                 .ca = a,
                                 .cb = b,
                                 .a = a->student,
                                 .b = b->student};
    return &ps->p[ps->n++];
}

/* sim_c -p's lines, "A consists for N % of B material", into pairs. */
static void
read_percentages(const char *said, const struct copy *copies, size_t ncopies,
                 const char *lab, const char *file, int threshold,
                 struct pairs *ps)
{
    for (const char *line = said; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        const char *mid = strstr(line, " consists for ");
        const char *of = mid != NULL ? strstr(mid, " % of ") : NULL;
        const char *end = of != NULL ? strstr(of, " material") : NULL;
        if (end != NULL && end < line + len) {
            const struct copy *a =
                copy_at(copies, ncopies, line, (size_t)(mid - line));
            const struct copy *b =
                copy_at(copies, ncopies, of + 6, (size_t)(end - of - 6));
            int percent = atoi(mid + strlen(" consists for "));
            struct pair *p =
                a != NULL && b != NULL && a != b && percent >= threshold
                    ? pair_of(ps, lab, file, a, b)
                    : NULL;
            if (p != NULL && percent > p->percent)
                p->percent = percent;
        }
        line += len + (line[len] == '\n');
    }
}

/* sim_c's side-by-side listing of what the pair shares, into
 * OUT/similarity/LAB/A--B.FILE.txt. */
static void
write_listing(const struct class_options *o, const char *work, struct pair *p)
{
    char *rel = NULL, *path, said[4096];

    if (asprintf(&rel, "%s/%s/%s--%s.%s.txt", SIMILARITY_DIR, p->lab,
                 p->ca->name, p->cb->name, p->file) < 0)
        return;
    path = path_join(o->out, rel, NULL);
    const char *argv[] = {SIM,  "-T",        "-w",        "160", "-o",
                          path, p->ca->path, p->cb->path, NULL};
    if (path != NULL &&
        command_output(work, argv, true, said, sizeof(said)) == 0)
        p->listing = rel;
    else
        free(rel);
    free(path);
}

/* One submit file of one lab across the class. */
static int
compare_file(const struct class_options *o, const struct roster *r,
             const char *lab, const char *file, int threshold, struct pairs *ps)
{
    char *starter_dir = path_join(o->kit, "labs", lab);
    char *starter = starter_dir ? path_join(starter_dir, file, NULL) : NULL;
    char *work = NULL;
    size_t nstarter = 0, ncopies = 0;
    char **lines = starter != NULL ? starter_lines(starter, &nstarter) : NULL;
    struct copy *copies = calloc(r->nstudents + 1, sizeof(*copies));
    char **names = calloc(r->nstudents + 1, sizeof(*names));
    const char **argv = calloc(r->nstudents + 8, sizeof(*argv));
    size_t first = ps->n;
    char *said = malloc(1 << 20);
    char threshold_arg[16];
    int rc = -1;

    if (asprintf(&work, "%s/%s/%s/work", o->out, SIMILARITY_DIR, lab) < 0)
        work = NULL;
    if (work == NULL || copies == NULL || names == NULL || argv == NULL ||
        said == NULL)
        goto out;
    for (size_t s = 0; s < r->nstudents; s++) {
        char *sub = roster_submission_for(o, r->students[s], lab);
        char *from = sub != NULL ? path_join(sub, file, NULL) : NULL;
        names[s] = safe_name(r->students[s], s, names, s);
        char *dir = names[s] != NULL ? path_join(work, names[s], NULL) : NULL;
        char *to = dir != NULL ? path_join(dir, file, NULL) : NULL;
        if (from != NULL && to != NULL && plain_file(from) &&
            make_dirs(dir, 0755) == 0 &&
            write_without_starter(from, to, lines, nstarter) == 0) {
            copies[ncopies].student = r->students[s];
            copies[ncopies].name = names[s];
            copies[ncopies].path = path_join(names[s], file, NULL);
            if (copies[ncopies].path != NULL)
                ncopies++;
        }
        free(sub);
        free(from);
        free(dir);
        free(to);
    }
    rc = 0;
    if (ncopies < 2)
        goto out;
    snprintf(threshold_arg, sizeof(threshold_arg), "%d", threshold);
    size_t n = 0;
    argv[n++] = SIM;
    argv[n++] = "-p"; /* percentages, implies -s: no file with itself */
    argv[n++] = "-e"; /* each pair on its own, whatever the others share */
    argv[n++] = "-T";
    argv[n++] = "-t";
    argv[n++] = threshold_arg;
    for (size_t i = 0; i < ncopies; i++)
        argv[n++] = copies[i].path;
    argv[n] = NULL;
    if (command_output(work, argv, true, said, 1 << 20) != 0) {
        fprintf(stderr, "similarity: %s %s: %s failed: %.200s\n", lab, file,
                SIM, said);
        rc = -1;
        goto out;
    }
    read_percentages(said, copies, ncopies, lab, file, threshold, ps);
    for (size_t i = first; i < ps->n; i++) {
        write_listing(o, work, &ps->p[i]);
        ps->p[i].ca = ps->p[i].cb = NULL; /* freed below */
    }
out:
    for (size_t i = 0; copies != NULL && i < ncopies; i++)
        free(copies[i].path);
    for (size_t s = 0; names != NULL && s < r->nstudents; s++)
        free(names[s]);
    for (size_t i = 0; lines != NULL && i < nstarter; i++)
        free(lines[i]);
    free(lines);
    free(copies);
    free(names);
    free(argv);
    free(said);
    free(work);
    free(starter);
    free(starter_dir);
    return rc;
}

static int
by_percent(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;

    if (a->percent != b->percent)
        return b->percent - a->percent;
    int c = strcmp(a->lab, b->lab);
    if (c == 0)
        c = strcmp(a->a, b->a);
    return c != 0 ? c : strcmp(a->b, b->b);
}

int
similarity_report(const struct class_options *o, const struct roster *r)
{
    const char *probe[] = {SIM, "-v", NULL};
    char said[256], *dir = path_join(o->out, SIMILARITY_DIR, NULL);
    char *csv = dir != NULL ? path_join(dir, "similarity.csv", NULL) : NULL;
    struct pairs ps = {0};
    struct text t = TEXT_INIT;
    int rc = -1;

    if (o->similarity <= 0) {
        rc = 0;
        goto out;
    }
    if (command_output(NULL, probe, true, said, sizeof(said)) != 0) {
        printf("similarity: %s is not installed (Debian's similarity-tester; "
               "make deps installs it): no similarity report\n",
               SIM);
        rc = 0;
        goto out;
    }
    if (dir == NULL || csv == NULL)
        goto out;
    /* Each lab's folder is made anew: a listing of a pair no longer
     * flagged must not stay behind. */
    for (size_t l = 0; l < r->ngraded; l++) {
        char *lab = path_join(dir, r->graded[l], NULL);
        if (lab != NULL && is_dir(lab))
            nftw(lab, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(lab);
    }
    rc = 0;
    for (size_t l = 0; l < r->ngraded; l++) {
        struct lab_spec spec;
        char err[512];
        if (catalogue_read(&r->labs, r->graded[l], &spec, err, sizeof(err))) {
            fprintf(stderr, "similarity: %s\n", err);
            rc = -1;
            continue;
        }
        for (int f = 0; f < spec.nsubmit; f++)
            if (compare_file(o, r, r->graded[l], spec.submit[f], o->similarity,
                             &ps) != 0)
                rc = -1;
        labini_free(&spec);
    }
    qsort(ps.p, ps.n, sizeof(*ps.p), by_percent);
    text_add(&t, "lab,file,student,other,percent,side by side\n");
    for (size_t i = 0; i < ps.n; i++) {
        char percent[16];
        snprintf(percent, sizeof(percent), "%d", ps.p[i].percent);
        csv_field(&t, ps.p[i].lab, true);
        csv_field(&t, ps.p[i].file, false);
        csv_field(&t, ps.p[i].a, false);
        csv_field(&t, ps.p[i].b, false);
        csv_field(&t, percent, false);
        csv_field(&t, ps.p[i].listing != NULL ? ps.p[i].listing : "", false);
        text_addc(&t, '\n');
    }
    if (make_dirs(dir, 0755) != 0 || t.failed ||
        write_file_atomic(csv, t.buf, t.len) != 0) {
        fprintf(stderr, "similarity: %s: %s\n", csv, strerror(errno));
        rc = -1;
        goto out;
    }
    printf("similarity: %zu pair%s at %d %% or more (%s): flagged for a "
           "look, never penalised\n",
           ps.n, ps.n == 1 ? "" : "s", o->similarity, csv);
    for (size_t i = 0; i < ps.n && i < PAIRS_SHOWN; i++) {
        printf("  %3d %%  %s %s: ", ps.p[i].percent, ps.p[i].lab, ps.p[i].file);
        print_name(stdout, ps.p[i].a, 64);
        fputs(" and ", stdout);
        print_name(stdout, ps.p[i].b, 64);
        fputc('\n', stdout);
    }
    if (ps.n > PAIRS_SHOWN)
        printf("  and %zu more in the CSV\n", ps.n - PAIRS_SHOWN);
out:
    for (size_t i = 0; i < ps.n; i++) {
        free(ps.p[i].listing);
        free(ps.p[i].file);
    }
    free(ps.p);
    text_free(&t);
    free(csv);
    free(dir);
    return rc;
}
