/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: parsing Check's TAP log (see tap.h). */
#include "kinds/tap.h"

#include <stdlib.h>
#include <string.h>

static char *
dup_range(const char *s, size_t n)
{
    char *d = strndup(s, n);

    return d != NULL ? d : strdup("");
}

int
tap_parse(const char *text, struct tap_log *log)
{
    const char *line = text;

    memset(log, 0, sizeof(*log));
    log->planned = -1;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        bool ok = strncmp(line, "ok ", 3) == 0;

        if (strncmp(line, "1..", 3) == 0) {
            if (log->planned >= 0 && log->broken == NULL)
                log->broken = "a second plan line";
            log->planned = atoi(line + 3);
        } else if (ok || strncmp(line, "not ok ", 7) == 0) {
            /* "ok 3 - FILE:TCASE:TEST: MESSAGE" */
            const char *p = memchr(line, '-', len);
            const char *stop = line + len;
            const char *c1, *c2, *c3;
            if (log->broken == NULL && log->planned >= 0)
                log->broken = "a test line after the plan";
            if (log->broken == NULL &&
                atol(line + (ok ? 3 : 7)) != (long)log->n + 1)
                log->broken = "test lines out of order or repeated";
            if (p != NULL && p + 2 < stop &&
                (c1 = memchr(p, ':', (size_t)(stop - p))) != NULL &&
                (c2 = memchr(c1 + 1, ':', (size_t)(stop - c1 - 1))) != NULL &&
                (c3 = memchr(c2 + 1, ':', (size_t)(stop - c2 - 1))) != NULL) {
                struct tap_line *grown =
                    realloc(log->lines, (log->n + 1) * sizeof(*grown));
                if (grown == NULL)
                    return -1;
                log->lines = grown;
                struct tap_line *t = &log->lines[log->n++];
                const char *msg = c3 + 1;
                while (msg < stop && *msg == ' ')
                    msg++;
                t->ok = ok;
                t->tcase = dup_range(c1 + 1, (size_t)(c2 - c1 - 1));
                t->test = dup_range(c2 + 1, (size_t)(c3 - c2 - 1));
                t->message = dup_range(msg, (size_t)(stop - msg));
            } else if (log->broken == NULL) {
                log->broken = "a test line not in Check's form";
            }
        }
        line = end != NULL ? end + 1 : NULL;
    }
    if (log->broken == NULL && log->planned >= 0 && log->planned != (int)log->n)
        log->broken = "a plan that does not count the test lines";
    return 0;
}

void
tap_free(struct tap_log *log)
{
    for (size_t i = 0; i < log->n; i++) {
        free(log->lines[i].tcase);
        free(log->lines[i].test);
        free(log->lines[i].message);
    }
    free(log->lines);
    memset(log, 0, sizeof(*log));
}
