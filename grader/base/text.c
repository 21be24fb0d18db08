/* SPDX-License-Identifier: MIT */
/* The grader's base: the growing string (see text.h). */
#include "base/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

char *
text_steal(struct text *t)
{
    char *s = t->buf != NULL && !t->failed ? t->buf : NULL;

    if (s == NULL) {
        free(t->buf);
        s = strdup("");
    }
    t->buf = NULL;
    t->len = t->cap = 0;
    t->failed = false;
    return s;
}
