/* The grader: a growing string for the reports, and the escaping that makes
 * student output (which may hold any byte) safe in UTF-8 JSON, XML 1.0,
 * Markdown, HTML and on a terminal. */
#ifndef GRADER_TEXT_H
#define GRADER_TEXT_H

#include "result.h"

#include <stdbool.h>
#include <stddef.h>

/* A NUL-terminated string that grows as it is appended to. After a failed
 * allocation it stops growing and `failed` says the text is incomplete, so
 * callers check once at the end instead of after every append. */
struct text {
    char *buf;
    size_t len;
    size_t cap;
    bool failed;
};

#define TEXT_INIT                                                              \
    {                                                                          \
        NULL, 0, 0, false                                                      \
    }

/* Appends; a NULL string appends nothing. */
void text_add(struct text *t, const char *s);
void text_addn(struct text *t, const char *s, size_t n);
void text_addc(struct text *t, char c);
void text_addf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text so far; "" when nothing was added. */
const char *text_str(const struct text *t);
void text_free(struct text *t);

/* The length (1 to 4) of the valid UTF-8 character at s, of which n bytes
 * are readable, and its code point in *cp; 0 for an invalid sequence
 * (truncated, overlong, a surrogate, above U+10FFFF). */
size_t text_utf8_next(const unsigned char *s, size_t n, unsigned long *cp);

/* s as valid UTF-8, each invalid byte replaced by U+FFFD. */
/* Program output quoted: every line starts with "| ", so that nothing a
 * program prints can pass for a line of the grader's own report. */
void text_add_quoted(struct text *t, const char *s);

void text_add_utf8(struct text *t, const char *s);
/* s as XML 1.0 (and HTML) text: & < > " ' escaped, invalid UTF-8 and the
 * characters XML 1.0 forbids (controls but tab and line breaks, U+FFFE,
 * U+FFFF) replaced by U+FFFD. In an attribute, tab and line breaks become
 * character references so that attribute normalisation keeps them. */
void text_add_xml(struct text *t, const char *s, bool attribute);
/* s as Markdown inline text on one line (a table cell, a heading): ASCII
 * punctuation backslash-escaped, so nothing in it is markup or HTML; line
 * breaks become spaces and other controls are dropped. */
void text_add_md(struct text *t, const char *s);
/* s as text for a terminal: controls other than newline and tab shown as
 * ^X (so student output cannot move the cursor or change colours), C1
 * controls and invalid UTF-8 as '?'. */
void text_add_terminal(struct text *t, const char *s);

/* Points as a person writes them: "40", "24.5", "33.33". */
void text_points(double points, char *buf, size_t len);
/* "24.5/30" */
void text_score(double score, double max_score, char *buf, size_t len);
/* The longest run of c in s (0 for NULL). */
size_t text_longest_run(const char *s, char c);
/* s lowercased, each run of other than [a-z0-9] made one '-', no '-' at
 * either end; "test" if nothing is left. Malloc'ed; NULL when out of
 * memory. */
char *text_slug(const char *s);
/* The number of characters (code points) of s, for aligning columns. */
size_t text_width(const char *s);

/* "Intel Xeon ...: 4 usable CPUs (4 physical cores, 8 logical CPUs), CPU
 * quota 2.5", unescaped. */
void text_add_machine(struct text *t, const struct machine_info *m);

/* Write the text to `path`, replacing it. Returns 0, or -1 with a message
 * on stderr naming `who` and the path. */
int text_write_file(const struct text *t, const char *path, const char *who);

#endif
