/* SPDX-License-Identifier: MIT */
/* The grader: `grader --describe` (see describe.h), written with jansson. */
#include "describe.h"
#include "base/format.h"
#include "kinds/kinds.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The lab's spec, its kinds bound; 0 or -1 with a message on stderr. */
static int
load(const struct catalogue *c, const char *lab, struct lab_spec *spec)
{
    char err[1024];

    if (kinds_read_lab(c, lab, spec, err, sizeof(err)) != 0) {
        fprintf(stderr, "grader: %s\n", err);
        return -1;
    }
    return 0;
}

static double
total_points(const struct lab_spec *spec)
{
    double sum = 0;

    for (int i = 0; i < spec->ntests; i++)
        sum += spec->tests[i].points;
    return sum;
}

static json_t *
test_json(const struct test_spec *t)
{
    json_t *j =
        json_pack("{s:s, s:s, s:f, s:s, s:b, s:f, s:s}", "name", t->name,
                  "kind", t->kind->name, "points", t->points, "flavour",
                  t->kind->flavour, "alone", t->kind->alone, "timeout",
                  t->timeout, "timeout_means", t->kind->timeout_means);

    if (j != NULL)
        json_object_set_new(j, "visibility", json_string(t->visibility));
    if (j != NULL && t->tcase != NULL)
        json_object_set_new(j, "tcase", json_string(t->tcase));
    if (j != NULL && labini_given(t, "skip"))
        json_object_set_new(j, "skip",
                            json_string(t->skip_awards ? "award" : "hold"));
    return j;
}

static json_t *
lab_json(const struct catalogue *c, const char *lab,
         const struct lab_spec *spec)
{
    char *folder = catalogue_path(c, lab, NULL);
    json_t *submit = json_array(), *tests = json_array();
    json_t *j;

    for (int i = 0; i < spec->nsubmit; i++)
        json_array_append_new(submit, json_string(spec->submit[i]));
    for (int i = 0; i < spec->ntests; i++)
        json_array_append_new(tests, test_json(&spec->tests[i]));
    j = json_pack("{s:s, s:i, s:s, s:s, s:o, s:f, s:o}", "lab", lab, "number",
                  atoi(lab), "title", spec->title, "folder",
                  folder != NULL ? folder : "", "submit", submit, "points",
                  total_points(spec), "tests", tests);
    free(folder);
    return j;
}

static json_t *
kinds_json(void)
{
    size_t n;
    const struct kind *k = kinds_all(&n);
    json_t *all = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            all, json_pack("{s:s, s:s, s:s, s:b, s:s}", "name", k[i].name,
                           "what", k[i].what, "flavour", k[i].flavour, "alone",
                           k[i].alone, "timeout_means", k[i].timeout_means));
    return all;
}

/* One field of one lab, a value per line. */
static int
print_field(const struct catalogue *c, const char *lab,
            const struct lab_spec *spec, const char *field, FILE *to)
{
    char points[32];

    if (strcmp(field, "lab") == 0) {
        fprintf(to, "%s\n", lab);
    } else if (strcmp(field, "title") == 0) {
        fprintf(to, "%s\n", spec->title);
    } else if (strcmp(field, "folder") == 0) {
        char *folder = catalogue_path(c, lab, NULL);
        fprintf(to, "%s\n", folder != NULL ? folder : "");
        free(folder);
    } else if (strcmp(field, "submit") == 0) {
        for (int i = 0; i < spec->nsubmit; i++)
            fprintf(to, "%s\n", spec->submit[i]);
    } else if (strcmp(field, "points") == 0) {
        format_points(total_points(spec), points, sizeof(points));
        fprintf(to, "%s\n", points);
    } else if (strcmp(field, "tests") == 0) {
        for (int i = 0; i < spec->ntests; i++)
            fprintf(to, "%s\n", spec->tests[i].name);
    } else {
        fprintf(stderr,
                "grader: --field %s: not one of lab, title, folder, submit, "
                "points, tests\n",
                field);
        return 2;
    }
    return 0;
}

int
describe(const struct catalogue *c, const char *lab, const char *field,
         FILE *to)
{
    json_t *labs, *root;
    int rc = 0;

    if (field != NULL) {
        /* One lab's, or every lab's one after another. */
        for (size_t i = 0; i < c->nlabs && rc == 0; i++) {
            struct lab_spec spec;

            if (lab != NULL && strcmp(lab, c->labs[i]) != 0)
                continue;
            if (load(c, c->labs[i], &spec) != 0)
                return 2;
            rc = print_field(c, c->labs[i], &spec, field, to);
            labini_free(&spec);
        }
        return rc;
    }
    labs = json_array();
    for (size_t i = 0; i < c->nlabs && rc == 0; i++) {
        struct lab_spec spec;

        if (lab != NULL && strcmp(lab, c->labs[i]) != 0)
            continue;
        if (load(c, c->labs[i], &spec) != 0) {
            rc = 2;
            break;
        }
        json_array_append_new(labs, lab_json(c, c->labs[i], &spec));
        labini_free(&spec);
    }
    root = json_pack("{s:s, s:o, s:o}", "kit", c->kit, "labs", labs, "kinds",
                     kinds_json());
    if (rc == 0 &&
        (root == NULL ||
         json_dumpf(root, to, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0 ||
         fputc('\n', to) == EOF)) {
        fprintf(stderr, "grader: --describe: out of memory\n");
        rc = 2;
    }
    json_decref(root);
    return rc;
}
