/* SPDX-License-Identifier: MIT */
/* The grader's base: a growing string, the one every stage builds its
 * messages and reports in. */
#ifndef GRADER_BASE_TEXT_H
#define GRADER_BASE_TEXT_H

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
/* The text's buffer, handed over to the caller: "" when nothing was added
 * or an allocation failed, NULL only when even that cannot be had. The
 * text is empty again. */
char *text_steal(struct text *t);
void text_free(struct text *t);

#endif
