/* SPDX-License-Identifier: MIT */
/* The grader's base: numbers and names written for people (see format.h). */
#include "base/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
format_number(double x, int decimals, char *buf, size_t len)
{
    char *end;

    if (len == 0)
        return;
    if (!isfinite(x)) {
        snprintf(buf, len, "?");
        return;
    }
    snprintf(buf, len, "%.*f", decimals, x);
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
format_points(double points, char *buf, size_t len)
{
    format_number(points, 2, buf, len);
}

void
format_score(double score, double max_score, char *buf, size_t len)
{
    char a[32], b[32];

    format_points(score, a, sizeof(a));
    format_points(max_score, b, sizeof(b));
    snprintf(buf, len, "%s/%s", a, b);
}

size_t
format_longest_run(const char *s, char c)
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
format_slug(const char *s)
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
format_width(const char *s)
{
    size_t width = 0;

    if (s == NULL)
        return 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            width++;
    return width;
}
