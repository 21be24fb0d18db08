/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: a sanitizer's report, cut down (see
 * sanitizer.h). */
#include "kinds/sanitizer.h"
#include "base/text.h"

#include <stdbool.h>
#include <string.h>

/* Where a sanitizer's first report starts in `output`, or NULL. */
static const char *
first_report(const char *output)
{
    static const char *const markers[] = {
        "WARNING: ThreadSanitizer:", "ERROR: AddressSanitizer:",
        "ERROR: LeakSanitizer:", ": runtime error:"};
    const char *first = NULL;

    for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
        const char *at = strstr(output, markers[i]);
        if (at != NULL && (first == NULL || at < first))
            first = at;
    }
    if (first == NULL)
        return NULL;
    while (first > output && first[-1] != '\n')
        first--;
    return first;
}

/* Whether a line names one of the student's files. */
static bool
mentions(const char *line, size_t len, char *const *files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        size_t flen = strlen(files[i]);
        for (size_t j = 0; j + flen < len; j++)
            if (memcmp(line + j, files[i], flen) == 0 &&
                line[j + flen] == ':' &&
                (j == 0 || line[j - 1] == '/' || line[j - 1] == ' '))
                return true;
    }
    return false;
}

/* Append a line with every "/some/folder/" before a file name taken out:
 * the work folder's path means nothing to the student. */
static void
append_short(struct text *t, const char *line, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (line[i] == '/' && (i == 0 || line[i - 1] == ' ' ||
                               line[i - 1] == '(' || line[i - 1] == '\'')) {
            size_t j = i, last_slash = i;
            while (j < len && line[j] != ' ' && line[j] != ':' &&
                   line[j] != ')' && line[j] != '\'') {
                if (line[j] == '/')
                    last_slash = j;
                j++;
            }
            text_addn(t, line + start, i - start);
            start = last_slash + 1;
            i = j - 1;
        }
    }
    text_addn(t, line + start, len - start);
    text_add(t, "\n");
}

/* The headline of a report that starts "==PID==": what follows the
 * process number ("ERROR: LeakSanitizer: detected memory leaks"), or NULL
 * for the sanitizer's other "==PID==" lines (hints, "ABORTING"). */
static const char *
headline(const char *s, size_t len)
{
    size_t i = 2;

    if (len < 5 || s[0] != '=' || s[1] != '=')
        return NULL;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 2 || i + 2 > len || s[i] != '=' || s[i + 1] != '=')
        return NULL;
    i += 2;
    if ((len - i >= 6 && strncmp(s + i, "ERROR:", 6) == 0) ||
        (len - i >= 8 && strncmp(s + i, "WARNING:", 8) == 0))
        return s + i;
    return NULL;
}

char *
sanitizer_report(const char *output, char *const *student_files, int nfiles)
{
    const char *line = first_report(output);
    struct text t;
    int lines = 0, student_frames = 0, other_frames = 0;

    if (line == NULL)
        return NULL;
    t = (struct text)TEXT_INIT;
    while (line != NULL && *line != '\0' && lines < 200) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *s = line;
        while (s < line + len && *s == ' ')
            s++;
        bool frame = *s == '#';

        lines++;
        const char *head = headline(s, (size_t)(line + len - s));

        if (strncmp(s, "==================", 18) == 0 && lines > 1)
            break; /* the end of a ThreadSanitizer report */
        if (head != NULL) {
            append_short(&t, head, (size_t)(line + len - head));
        } else if (frame) {
            if (mentions(line, len, student_files, nfiles)) {
                append_short(&t, line, len);
                student_frames++;
            } else if (student_frames == 0 && other_frames < 2) {
                /* Keep the top of a stack that never reaches the student's
                 * code, so the report still says where it happened. */
                append_short(&t, line, len);
                other_frames++;
            }
        } else if (len > 0 && s < line + len && strncmp(s, "==", 2) != 0 &&
                   strncmp(s, "Shadow", 6) != 0 && strncmp(s, "0x", 2) != 0) {
            append_short(&t, line, len);
            other_frames = 0;
        }
        if (strncmp(s, "SUMMARY:", 8) == 0)
            break;
        line = end != NULL ? end + 1 : NULL;
    }
    return text_steal(&t);
}
