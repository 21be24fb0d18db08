/* The grader's fixture tests: compares a results.json the grader wrote with
 * what a fixture expects. Usage: verdicts RESULTS.json EXPECT
 * EXPECT has a line per test: NAME <tab> STATUSES <tab> TEXT, where NAME is
 * the test's name as in lab.ini, STATUSES one or more of the grader's
 * statuses joined by '|', and TEXT (may be empty) must appear in the test's
 * output. Lines starting with '#' are comments. Exit status 0 when every
 * expectation holds, 1 otherwise, 2 on bad input. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
status_allowed(const char *status, const char *allowed)
{
    size_t n = strlen(status);
    const char *p = allowed;

    while ((p = strstr(p, status)) != NULL) {
        if ((p == allowed || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
            return 1;
        p += n;
    }
    return 0;
}

/* The test whose name ends in ": NAME" (results.json says "LAB: NAME"). */
static json_t *
find_test(json_t *tests, const char *name)
{
    size_t i, nlen = strlen(name);
    json_t *t;

    json_array_foreach(tests, i, t)
    {
        const char *full = json_string_value(json_object_get(t, "name"));
        size_t flen = full != NULL ? strlen(full) : 0;
        if (flen >= nlen + 2 && strcmp(full + flen - nlen, name) == 0 &&
            full[flen - nlen - 2] == ':')
            return t;
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    json_error_t jerr;
    json_t *root, *tests;
    FILE *expect;
    char line[1024];
    int failed = 0, checked = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: verdicts RESULTS.json EXPECT\n");
        return 2;
    }
    root = json_load_file(argv[1], 0, &jerr);
    if (root == NULL) {
        fprintf(stderr, "verdicts: %s:%d: %s\n", argv[1], jerr.line, jerr.text);
        return 2;
    }
    tests = json_object_get(root, "tests");
    expect = fopen(argv[2], "r");
    if (!json_is_array(tests) || expect == NULL) {
        fprintf(stderr, "verdicts: no tests in %s, or cannot read %s\n",
                argv[1], argv[2]);
        return 2;
    }
    while (fgets(line, sizeof(line), expect) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *name = line, *statuses = strchr(line, '\t'), *text;
        if (statuses == NULL) {
            fprintf(stderr, "verdicts: %s: a line without tabs: %s\n", argv[2],
                    line);
            return 2;
        }
        *statuses++ = '\0';
        text = strchr(statuses, '\t');
        if (text != NULL)
            *text++ = '\0';
        checked++;
        json_t *t = find_test(tests, name);
        if (t == NULL) {
            printf("MISSING  %s: not in %s\n", name, argv[1]);
            failed++;
            continue;
        }
        const char *status =
            json_string_value(json_array_get(json_object_get(t, "tags"), 0));
        const char *output = json_string_value(json_object_get(t, "output"));
        if (status == NULL || !status_allowed(status, statuses)) {
            printf("WRONG    %s: %s, expected %s\n%s\n", name,
                   status ? status : "(none)", statuses, output ? output : "");
            failed++;
        } else if (text != NULL && text[0] != '\0' &&
                   (output == NULL || strstr(output, text) == NULL)) {
            printf("WRONG    %s: the output lacks \"%s\":\n%s\n", name, text,
                   output ? output : "");
            failed++;
        } else {
            printf("ok       %s: %s%s%s\n", name, status,
                   text && text[0] ? ", says " : "", text ? text : "");
        }
    }
    fclose(expect);
    json_decref(root);
    printf("%d of %d expectations held\n", checked - failed, checked);
    return failed == 0 && checked > 0 ? 0 : 1;
}
