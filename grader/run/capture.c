/* SPDX-License-Identifier: MIT */
/* The grader's runner: a program's output kept to a head and a tail (see
 * capture.h). */
#include "run/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
capture_init(struct capture *c, size_t cap)
{
    memset(c, 0, sizeof(*c));
    c->cap = cap;
    c->head_cap = cap / 2;
    c->tail_cap = cap - c->head_cap;
}

/* Grow *buf to hold `need` bytes, doubling, never past `max`; buffers grow
 * with the output so that a quiet program costs a page, not the cap. */
static int
grow(char **buf, size_t *alloc, size_t need, size_t max)
{
    size_t n = *alloc != 0 ? *alloc : 4096;
    char *p;

    if (need <= *alloc)
        return 0;
    while (n < need)
        n *= 2;
    if (n > max)
        n = max;
    p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *alloc = n;
    return 0;
}

void
capture_watch(struct capture *c, const char *starts, const char *holds)
{
    c->watch_starts = starts;
    c->watch_holds = holds;
    c->line_len = 0;
}

/* Follow the lines of the output for the watched one. */
static void
watch_lines(struct capture *c, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !c->watched; i++) {
        if (p[i] != '\n') {
            if (c->line_len < sizeof(c->line) - 1)
                c->line[c->line_len++] = p[i];
            continue;
        }
        c->line[c->line_len] = '\0';
        c->watched =
            strncmp(c->line, c->watch_starts, strlen(c->watch_starts)) == 0 &&
            strstr(c->line, c->watch_holds) != NULL;
        c->line_len = 0;
    }
}

void
capture_add(struct capture *c, const char *p, size_t n)
{
    if (c->watch_starts != NULL)
        watch_lines(c, p, n);
    c->total += n;
    if (c->head_len < c->head_cap) {
        size_t take =
            n < c->head_cap - c->head_len ? n : c->head_cap - c->head_len;

        if (grow(&c->head, &c->head_alloc, c->head_len + take, c->head_cap) !=
            0) {
            c->failed = true;
            return;
        }
        memcpy(c->head + c->head_len, p, take);
        c->head_len += take;
        p += take;
        n -= take;
    }
    if (n == 0 || c->tail_cap == 0)
        return;
    if (n >= c->tail_cap) { /* only the last tail_cap bytes can survive */
        if (grow(&c->tail, &c->tail_alloc, c->tail_cap, c->tail_cap) != 0) {
            c->failed = true;
            return;
        }
        memcpy(c->tail, p + n - c->tail_cap, c->tail_cap);
        c->tail_len = c->tail_cap;
        c->tail_pos = 0;
        return;
    }
    if (c->tail_len < c->tail_cap) { /* not full yet: append */
        size_t room = c->tail_cap - c->tail_len;
        size_t take = n < room ? n : room;

        if (grow(&c->tail, &c->tail_alloc, c->tail_len + take, c->tail_cap) !=
            0) {
            c->failed = true;
            return;
        }
        memcpy(c->tail + c->tail_len, p, take);
        c->tail_len += take;
        c->tail_pos = c->tail_len % c->tail_cap;
        p += take;
        n -= take;
    }
    while (n > 0) { /* full: overwrite the oldest bytes */
        size_t chunk = c->tail_cap - c->tail_pos;

        if (chunk > n)
            chunk = n;
        memcpy(c->tail + c->tail_pos, p, chunk);
        c->tail_pos = (c->tail_pos + chunk) % c->tail_cap;
        p += chunk;
        n -= chunk;
    }
}

/* The last `keep` bytes of the tail, in order, into `to`. */
static void
capture_copy_tail(const struct capture *c, size_t keep, char *to)
{
    size_t start = c->tail_len == c->tail_cap ? c->tail_pos : 0;
    size_t from = c->tail_len - keep;

    for (size_t i = 0; i < keep;) {
        size_t at = (start + from + i) % c->tail_cap;
        size_t chunk = c->tail_cap - at;

        if (chunk > keep - i)
            chunk = keep - i;
        memcpy(to + i, c->tail + at, chunk);
        i += chunk;
    }
}

int
capture_finish(struct capture *c, struct captured *res)
{
    size_t head_keep = c->head_len, tail_keep = c->tail_len, mlen = 0;
    char marker[80] = "";
    char *out;

    memset(res, 0, sizeof(*res));
    res->total = c->total;
    if (c->total > c->head_len + c->tail_len) {
        int reserve =
            snprintf(NULL, 0, "\n[... %zu bytes cut ...]\n", c->total);
        size_t budget = c->cap > (size_t)reserve ? c->cap - (size_t)reserve : 0;

        res->truncated = true;
        if (budget > 0) {
            head_keep = head_keep < budget / 2 ? head_keep : budget / 2;
            tail_keep =
                tail_keep < budget - head_keep ? tail_keep : budget - head_keep;
            mlen = (size_t)snprintf(marker, sizeof(marker),
                                    "\n[... %zu bytes cut ...]\n",
                                    c->total - head_keep - tail_keep);
        }
    }
    out = malloc(head_keep + mlen + tail_keep + 1);
    if (out == NULL)
        return -1;
    if (head_keep > 0)
        memcpy(out, c->head, head_keep);
    memcpy(out + head_keep, marker, mlen);
    if (tail_keep > 0)
        capture_copy_tail(c, tail_keep, out + head_keep + mlen);
    out[head_keep + mlen + tail_keep] = '\0';
    res->text = out;
    res->len = head_keep + mlen + tail_keep;
    return 0;
}

void
capture_free(struct capture *c)
{
    free(c->head);
    free(c->tail);
    c->head = c->tail = NULL;
}
