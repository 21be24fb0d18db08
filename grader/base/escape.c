/* SPDX-License-Identifier: MIT */
/* The grader's base: escaping (see escape.h). Student output is untrusted
 * bytes: every report passes it through one of these before it lands in a
 * file or on a terminal. */
#include "base/escape.h"

#include <string.h>

size_t
text_utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned char b = s[0];
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
    size_t len;

    if (n == 0)
        return 0;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    /* The narrowed second-byte ranges exclude overlong forms, the UTF-16
     * surrogates (ED A0..BF) and code points above U+10FFFF. */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        *cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        *cp = b & 0x0F;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        *cp = b & 0x07;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    return len;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

/* A code point no character has: next_char's answer for an invalid byte. */
#define INVALID 0xFFFFFFFFul

/* The character at *s, of which *left bytes remain: returns its code point
 * (or INVALID, taking one byte) and its bytes in *start and *len, and moves
 * *s and *left past it. */
static unsigned long
next_char(const char **s, size_t *left, const char **start, size_t *len)
{
    unsigned long cp = INVALID;
    size_t n = text_utf8_next((const unsigned char *)*s, *left, &cp);

    if (n == 0) {
        n = 1;
        cp = INVALID;
    }
    *start = *s;
    *len = n;
    *s += n;
    *left -= n;
    return cp;
}

void
text_add_utf8(struct text *t, const char *s)
{
    size_t left, len;
    const char *p;

    if (s == NULL)
        return;
    left = strlen(s);
    while (left > 0) {
        unsigned long cp = next_char(&s, &left, &p, &len);
        if (cp != INVALID)
            text_addn(t, p, len);
        else
            text_add(t, REPLACEMENT);
    }
}

void
text_add_xml(struct text *t, const char *s, bool attribute)
{
    size_t left, len;
    const char *p;

    if (s == NULL)
        return;
    left = strlen(s);
    while (left > 0) {
        unsigned long cp = next_char(&s, &left, &p, &len);
        if (cp == INVALID || cp == 0xFFFE || cp == 0xFFFF ||
            (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
            text_add(t, REPLACEMENT);
        } else if (cp == '&') {
            text_add(t, "&amp;");
        } else if (cp == '<') {
            text_add(t, "&lt;");
        } else if (cp == '>') {
            text_add(t, "&gt;");
        } else if (cp == '"') {
            text_add(t, "&quot;");
        } else if (cp == '\'') {
            /* &apos; is not HTML 4; a character reference is both. */
            text_add(t, "&#39;");
        } else if (cp == '\r') {
            /* Parsers turn a bare CR into LF; a reference keeps it. */
            text_add(t, "&#13;");
        } else if (attribute && (cp == '\t' || cp == '\n')) {
            text_addf(t, "&#%lu;", cp);
        } else {
            text_addn(t, p, len);
        }
    }
}

void
text_add_md(struct text *t, const char *s)
{
    size_t left, len;
    const char *p;

    if (s == NULL)
        return;
    left = strlen(s);
    while (left > 0) {
        unsigned long cp = next_char(&s, &left, &p, &len);
        if (cp == INVALID) {
            text_add(t, REPLACEMENT);
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            text_addc(t, ' ');
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            continue; /* a control shows as nothing: drop it */
        } else if (cp < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
                                       (int)cp) != NULL) {
            /* CommonMark lets any ASCII punctuation be escaped, and an
             * escaped character is never markup: no emphasis, links,
             * HTML, or a '|' that would split a table cell. */
            text_addc(t, '\\');
            text_addc(t, (char)cp);
        } else {
            text_addn(t, p, len);
        }
    }
}

void
text_add_terminal(struct text *t, const char *s)
{
    size_t left, len;
    const char *p;

    if (s == NULL)
        return;
    left = strlen(s);
    while (left > 0) {
        unsigned long cp = next_char(&s, &left, &p, &len);
        if (cp == INVALID || (cp >= 0x80 && cp <= 0x9F)) {
            /* C1 controls include CSI (U+009B), which some terminals
             * take as ESC [. */
            text_addc(t, '?');
        } else if (cp == '\n' || cp == '\t') {
            text_addc(t, (char)cp);
        } else if (cp < 0x20) {
            text_addc(t, '^');
            text_addc(t, (char)(cp + 0x40));
        } else if (cp == 0x7F) {
            text_add(t, "^?");
        } else {
            text_addn(t, p, len);
        }
    }
}

void
text_add_quoted(struct text *t, const char *s)
{
    while (*s != '\0') {
        const char *end = strchr(s, '\n');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);

        text_add(t, "| ");
        text_addn(t, s, len);
        text_addc(t, '\n');
        s += len + (end != NULL);
    }
}
