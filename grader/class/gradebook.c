/* SPDX-License-Identifier: MIT */
/* grade-class: the gradebook, OUT/gradebook.csv, rebuilt on every run from
 * every results.json under OUT: a row per student, a column per test (in
 * the order of the results, lab after lab), then total, max and status. A
 * held test's cell says "held", not 0, and the max is the labs' whole
 * points whatever was held, the same for every student graded. The last
 * column says which lab.ini and kit commit graded each lab. */
#include "base/format.h"
#include "base/text.h"
#include "class.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One CSV field after RFC 4180: quoted when it holds a comma, a quote or a
 * line break (folder names and reasons can), quotes doubled. */
void
csv_field(struct text *b, const char *s, bool first)
{
    if (!first)
        text_addc(b, ',');
    if (strpbrk(s, ",\"\r\n") == NULL) {
        text_add(b, s);
        return;
    }
    text_addc(b, '"');
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            text_addc(b, '"');
        text_addc(b, *p);
    }
    text_addc(b, '"');
}

/* Points as a spreadsheet reads them: 12.5, 20, 7.333 (three decimals at
 * most, which is finer than any lab.ini's points). */
static void
sheet_points(double x, char *buf, size_t len)
{
    format_number(x, 3, buf, len);
}

/* What the gradebook knows of one student's lab. */
struct cell {
    bool has_results;
    struct outcome outcome;
    char reason[300]; /* why it is not graded; "" when it is */
};

/* One lab's columns: the test names in order. A name first seen in a later
 * student's results goes right after the test before it in that file, so
 * the order of the files is kept even when students differ (a lab that
 * could not be graded lists fewer tests). */
struct columns {
    char **names;
    size_t n;
};

static int
columns_index(const struct columns *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return (int)i;
    return -1;
}

static int
columns_merge(struct columns *c, const struct outcome *o)
{
    size_t at = 0;

    for (size_t t = 0; t < o->ntests; t++) {
        if (!o->tests[t].column)
            continue;
        int i = columns_index(c, o->tests[t].name);
        if (i >= 0) {
            at = (size_t)i + 1;
            continue;
        }
        char **grown = realloc(c->names, (c->n + 1) * sizeof(*grown));
        if (grown == NULL)
            return -1;
        c->names = grown;
        memmove(c->names + at + 1, c->names + at,
                (c->n - at) * sizeof(*c->names));
        c->names[at] = o->tests[t].name; /* owned by the outcome */
        c->n++;
        at++;
    }
    return 0;
}

static const struct job *
job_for(const struct job *jobs, size_t njobs, const char *student,
        const char *lab)
{
    for (size_t i = 0; i < njobs; i++)
        if (strcmp(jobs[i].student, student) == 0 &&
            strcmp(jobs[i].lab, lab) == 0)
            return &jobs[i];
    return NULL;
}

/* A cell from this run's job if there was one, else from what an earlier
 * run left on disk (another lab graded into the same OUT). */
static void
cell_load(struct cell *cell, const struct class_options *o,
          const struct job *job, const char *student, const char *lab)
{
    char *path = path_join(o->out, student, lab);
    char *results = path != NULL ? path_join(path, "results.json", NULL) : NULL;
    char err[256];

    memset(cell, 0, sizeof(*cell));
    if (job != NULL && job->state == JOB_FAILED)
        cut_printf(cell->reason, sizeof(cell->reason), "%s: %s", lab,
                   job->reason);
    else if (results != NULL &&
             outcome_read(results, &cell->outcome, err, sizeof(err)) == 0) {
        /* A job an interrupted run never started may still have the
         * results of an earlier run: they stand, as on the next run. */
        cell->has_results = true;
        if (cell->outcome.reason[0] != '\0')
            cut_printf(cell->reason, sizeof(cell->reason), "%s: %s", lab,
                       cell->outcome.reason);
    } else if (job != NULL && job->state == JOB_TODO)
        cut_printf(cell->reason, sizeof(cell->reason),
                   "%s: not graded yet (the run was interrupted)", lab);
    else if (job != NULL)
        cut_printf(cell->reason, sizeof(cell->reason), "%s: %s", lab, err);
    free(results);
    free(path);
}

/* The "graded by" cell: for each lab graded, which lab.ini and which kit
 * commit graded it, as the reports shorten them ("02-threads: lab.ini
 * 3f2a9c1d, kit 63b8440c"); the whole of each is in the results.json. */
static void
graded_by(struct text *b, const struct cell *cells, char *const *labs,
          size_t nlabs)
{
    struct text by = TEXT_INIT;

    for (size_t l = 0; l < nlabs; l++) {
        const struct outcome *o = &cells[l].outcome;
        if (!cells[l].has_results)
            continue;
        const char *commit = o->kit_commit[0] != '\0' ? o->kit_commit : "?";
        bool hex = strspn(commit, "0123456789abcdef") >= 8;
        text_addf(&by, "%s%s: lab.ini %.8s, kit %.*s%s", by.len > 0 ? "; " : "",
                  labs[l], o->spec_sha256[0] != '\0' ? o->spec_sha256 : "?",
                  hex ? 8 : (int)strlen(commit), commit,
                  hex && strstr(commit, "+changes") != NULL ? "+changes" : "");
    }
    csv_field(b, by.failed ? "" : text_str(&by), false);
    text_free(&by);
}

static void
write_row(struct text *b, const char *student, struct cell *cells,
          char *const *labs, size_t nlabs, struct columns *cols, bool *graded,
          size_t *held)
{
    double total = 0, max = 0, held_points = 0;
    size_t nheld = 0;
    bool any = false;
    char num[64];
    struct text status = TEXT_INIT;

    csv_field(b, student, true);
    for (size_t l = 0; l < nlabs; l++) {
        for (size_t c = 0; c < cols[l].n; c++) {
            const char *cell = "";
            for (size_t t = 0;
                 cells[l].has_results && t < cells[l].outcome.ntests; t++) {
                const struct outcome_test *test = &cells[l].outcome.tests[t];
                if (test->column && strcmp(test->name, cols[l].names[c]) == 0) {
                    sheet_points(test->score, num, sizeof(num));
                    cell = test->held ? "held" : num;
                    break;
                }
            }
            csv_field(b, cell, false);
        }
        if (cells[l].has_results) {
            total += cells[l].outcome.score;
            max += cells[l].outcome.max_score + cells[l].outcome.held_points;
            nheld += cells[l].outcome.nheld;
            held_points += cells[l].outcome.held_points;
            any = true;
        }
        if (cells[l].reason[0] != '\0') {
            text_add(&status, status.len == 0 ? "could not grade: " : "; ");
            text_add(&status, cells[l].reason);
        }
    }
    sheet_points(total, num, sizeof(num));
    csv_field(b, any ? num : "", false);
    sheet_points(max, num, sizeof(num));
    csv_field(b, any ? num : "", false);
    *graded = status.len == 0 && !status.failed;
    *held = *graded ? nheld : 0;
    if (*held > 0) {
        /* Graded, but not all of it judged: "graded, 25 points held". */
        sheet_points(held_points, num, sizeof(num));
        text_addf(&status, "graded, %s point%s held (%zu test%s not judged)",
                  num, strcmp(num, "1") == 0 ? "" : "s", nheld,
                  nheld == 1 ? "" : "s");
    }
    csv_field(b,
              status.failed     ? "could not grade: out of memory"
              : status.len == 0 ? "graded"
                                : text_str(&status),
              false);
    graded_by(b, cells, labs, nlabs);
    text_addc(b, '\n');
    text_free(&status);
}

/* Writes OUT/gradebook.csv and counts what it shows in *counts. */
int
gradebook_write(const struct class_options *o, const struct roster *r,
                const struct job *jobs, size_t njobs,
                struct gradebook_counts *counts)
{
    size_t ncells = r->nstudents * r->labs.nlabs;
    struct cell *cells = calloc(ncells + 1, sizeof(*cells));
    struct columns *cols = calloc(r->labs.nlabs + 1, sizeof(*cols));
    struct text b = TEXT_INIT;
    char *path = path_join(o->out, "gradebook.csv", NULL);
    int rc = -1;

    memset(counts, 0, sizeof(*counts));
    if (cells == NULL || cols == NULL || path == NULL) {
        fprintf(stderr, "grade-class: gradebook: out of memory\n");
        goto out;
    }
    for (size_t s = 0; s < r->nstudents; s++)
        for (size_t l = 0; l < r->labs.nlabs; l++) {
            struct cell *cell = &cells[s * r->labs.nlabs + l];
            cell_load(cell, o,
                      job_for(jobs, njobs, r->students[s], r->labs.labs[l]),
                      r->students[s], r->labs.labs[l]);
            if (cell->has_results && columns_merge(&cols[l], &cell->outcome))
                b.failed = true;
        }

    csv_field(&b, "student", true);
    for (size_t l = 0; l < r->labs.nlabs; l++) {
        for (size_t c = 0; c < cols[l].n; c++)
            csv_field(&b, cols[l].names[c], false);
        counts->columns += cols[l].n;
    }
    text_add(&b, ",total,max,status,graded by\n");
    for (size_t s = 0; s < r->nstudents; s++) {
        bool graded;
        size_t held;
        write_row(&b, r->students[s], &cells[s * r->labs.nlabs], r->labs.labs,
                  r->labs.nlabs, cols, &graded, &held);
        counts->not_graded += !graded;
        counts->held += held > 0;
        counts->held_tests += held;
    }
    if (b.failed)
        fprintf(stderr, "grade-class: gradebook: out of memory\n");
    else if (write_file_atomic(path, text_str(&b), b.len) != 0)
        fprintf(stderr, "grade-class: %s: %s\n", path, strerror(errno));
    else
        rc = 0;
out:
    for (size_t i = 0; cells != NULL && i < ncells; i++)
        outcome_free(&cells[i].outcome);
    for (size_t l = 0; cols != NULL && l < r->labs.nlabs; l++)
        free(cols[l].names);
    free(cells);
    free(cols);
    text_free(&b);
    free(path);
    return rc;
}
