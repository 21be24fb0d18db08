/* SPDX-License-Identifier: MIT */
/* The grader's base: the one escaping module. Student output may hold any
 * byte; these make it safe in UTF-8 JSON, XML 1.0 (and HTML), Markdown and
 * on a terminal, and quote it so that it cannot pass for the grader's own
 * words. Each appends to a text (base/text.h). */
#ifndef GRADER_BASE_ESCAPE_H
#define GRADER_BASE_ESCAPE_H

#include "base/text.h"

#include <stdbool.h>
#include <stddef.h>

/* The length (1 to 4) of the valid UTF-8 character at s, of which n bytes
 * are readable, and its code point in *cp; 0 for an invalid sequence
 * (truncated, overlong, a surrogate, above U+10FFFF). */
size_t text_utf8_next(const unsigned char *s, size_t n, unsigned long *cp);

/* s as valid UTF-8, each invalid byte replaced by U+FFFD. */
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
/* Program output quoted: every line starts with "| ", so that nothing a
 * program prints can pass for a line of the grader's own report. */
void text_add_quoted(struct text *t, const char *s);

#endif
