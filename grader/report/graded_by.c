/* SPDX-License-Identifier: MIT */
/* The grader's reports: the "Graded by" line, which lab.ini and which kit
 * commit graded each lab (see report.h). */
#include "report/report.h"

#include <stdbool.h>
#include <string.h>

/* Eight hex digits tell a lab.ini or a commit apart in a report; the whole
 * of each is in results.json. */
#define SHORT_HASH 8

void
report_graded_by(struct text *t, const struct grade *g)
{
    for (size_t i = 0; i < g->nlabs; i++) {
        const struct lab_result *lab = &g->labs[i];
        const char *commit =
            lab->kit_commit[0] != '\0' ? lab->kit_commit : "unknown";
        bool hex = strspn(commit, "0123456789abcdef") >= SHORT_HASH;

        text_addf(t, "%s%s: lab.ini %.*s, kit %.*s%s", i > 0 ? "; " : "",
                  lab->lab != NULL ? lab->lab : "(lab)", SHORT_HASH,
                  lab->spec_sha256[0] != '\0' ? lab->spec_sha256 : "unread",
                  hex ? SHORT_HASH : (int)strlen(commit), commit,
                  hex && strstr(commit, "+changes") != NULL ? "+changes" : "");
    }
}
