/* The grader: string building and per-format escaping for the reports.
 * Student output is untrusted bytes: every report goes through one of the
 * text_add_* filters below before it lands in a file or on a terminal. */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for n more bytes and the NUL. */
static bool
reserve(struct text *t, size_t n)
{
    size_t need, cap;
    char *buf;

    if (t->failed)
        return false;
    if (n > (size_t)-1 - t->len - 1)
        goto fail;
    need = t->len + n + 1;
    if (need <= t->cap)
        return true;
    cap = t->cap ? t->cap : 256;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    buf = realloc(t->buf, cap);
    if (buf == NULL)
        goto fail;
    t->buf = buf;
    t->cap = cap;
    return true;
fail:
    t->failed = true;
    return false;
}

void
text_addn(struct text *t, const char *s, size_t n)
{
    if (s == NULL || !reserve(t, n))
        return;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void
text_add(struct text *t, const char *s)
{
    if (s != NULL)
        text_addn(t, s, strlen(s));
}

void
text_addc(struct text *t, char c)
{
    text_addn(t, &c, 1);
}

void
text_addf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

const char *
text_str(const struct text *t)
{
    return t->buf != NULL ? t->buf : "";
}

void
text_free(struct text *t)
{
    free(t->buf);
    t->buf = NULL;
    t->len = t->cap = 0;
    t->failed = false;
}

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
text_points(double points, char *buf, size_t len)
{
    char *end;

    if (len == 0)
        return;
    if (!isfinite(points)) {
        snprintf(buf, len, "?");
        return;
    }
    snprintf(buf, len, "%.2f", points);
    if (strchr(buf, '.') != NULL) {
        end = buf + strlen(buf);
        while (end > buf && end[-1] == '0')
            *--end = '\0';
        if (end > buf && end[-1] == '.')
            *--end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, len, "0");
}

void
text_score(double score, double max_score, char *buf, size_t len)
{
    char a[32], b[32];

    text_points(score, a, sizeof(a));
    text_points(max_score, b, sizeof(b));
    snprintf(buf, len, "%s/%s", a, b);
}

size_t
text_longest_run(const char *s, char c)
{
    size_t best = 0, run = 0;

    if (s == NULL)
        return 0;
    for (; *s != '\0'; s++) {
        run = *s == c ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

char *
text_slug(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    char *slug = malloc(n + 5);
    size_t len = 0;

    if (slug == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            slug[len++] = c;
        else if (len > 0 && slug[len - 1] != '-')
            slug[len++] = '-';
    }
    while (len > 0 && slug[len - 1] == '-')
        len--;
    if (len == 0)
        memcpy(slug, "test", (len = 4));
    slug[len] = '\0';
    return slug;
}

size_t
text_width(const char *s)
{
    size_t width = 0;

    if (s == NULL)
        return 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            width++;
    return width;
}

void
text_add_machine(struct text *t, const struct machine_info *m)
{
    char quota[32];

    text_add(t, m->cpu_model[0] != '\0' ? m->cpu_model : "unknown CPU");
    text_addf(t, ": %d usable CPU%s (%d physical core%s, %d logical CPU%s)",
              m->usable_cpus, m->usable_cpus == 1 ? "" : "s", m->physical_cores,
              m->physical_cores == 1 ? "" : "s", m->logical_cpus,
              m->logical_cpus == 1 ? "" : "s");
    if (m->cpu_quota > 0) {
        text_points(m->cpu_quota, quota, sizeof(quota));
        text_addf(t, ", CPU quota %s", quota);
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

/* Write to a new file beside `path` and rename it over `path`: whatever
 * stood there before (a file planted by the code graded, a link to
 * elsewhere) is replaced, never written through, and a reader never sees
 * half a report. A device or pipe (/dev/stdout) is written as is. */
int
text_write_file(const struct text *t, const char *path, const char *who)
{
    struct stat st;
    char temp[4200];
    bool direct;
    FILE *f;
    int fd = -1;

    if (path == NULL) {
        fprintf(stderr, "grader: %s: no file name given\n", who);
        return -1;
    }
    if (t->failed) {
        fprintf(stderr, "grader: %s: %s: out of memory\n", who, path);
        return -1;
    }
    direct = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    if (direct) {
        f = fopen(path, "w");
    } else if (snprintf(temp, sizeof(temp), "%s.XXXXXX", path) >=
               (int)sizeof(temp)) {
        errno = ENAMETOOLONG;
        f = NULL;
    } else if ((fd = mkstemp(temp)) < 0 || fchmod(fd, 0644) != 0) {
        f = NULL;
    } else {
        f = fdopen(fd, "w");
    }
    if (f == NULL) {
        int err = errno;
        if (fd >= 0) {
            close(fd);
            unlink(temp);
        }
        fprintf(stderr, "grader: %s: cannot write %s: %s\n", who, path,
                strerror(err));
        return -1;
    }
    bool written = t->len == 0 || fwrite(t->buf, 1, t->len, f) == t->len;
    int err = errno;
    if (fclose(f) != 0 && written) {
        written = false;
        err = errno;
    }
    if (written && !direct && rename(temp, path) != 0) {
        written = false;
        err = errno;
    }
    if (!written) {
        if (!direct)
            unlink(temp);
        fprintf(stderr, "grader: %s: cannot write %s: %s\n", who, path,
                strerror(err));
        return -1;
    }
    return 0;
}
