/* SPDX-License-Identifier: MIT */
/* The grader's runner: a program's output, kept to a cap: its head as it
 * comes, its tail in a ring, and a marker saying how much of the middle
 * was cut. Output is held in memory, so it is never unbounded. */
#ifndef GRADER_RUN_CAPTURE_H
#define GRADER_RUN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

struct capture {
    size_t cap;      /* bytes kept in all */
    size_t head_cap; /* the first half */
    size_t tail_cap; /* the last half */
    char *head;
    size_t head_len, head_alloc;
    char *tail;      /* a ring once full; grows as needed until then */
    size_t tail_len; /* bytes in the ring */
    size_t tail_pos; /* where the next byte goes once the ring is full */
    size_t tail_alloc;
    size_t total; /* bytes the program wrote in all */
    bool failed;  /* out of memory: some output was lost */
    /* A line to watch for (capture_watch()): its first bytes so far, and
     * whether a line has matched. */
    const char *watch_starts, *watch_holds;
    char line[200];
    size_t line_len;
    bool watched; /* a whole line matched */
};

/* What capture_finish() hands over. */
struct captured {
    char *text; /* NUL-terminated, malloc'ed */
    size_t len;
    size_t total;   /* bytes written in all */
    bool truncated; /* the middle was cut: "[... N bytes cut ...]" */
};

void capture_init(struct capture *c, size_t cap);
/* From now on, set c->watched once a whole line of the output starts with
 * `starts` and holds `holds` within its first 199 bytes. */
void capture_watch(struct capture *c, const char *starts, const char *holds);
void capture_add(struct capture *c, const char *p, size_t n);
/* Head, "[... N bytes cut ...]" when the middle was lost, tail: never more
 * than the cap in all, the marker included. Returns 0, or -1 when out of
 * memory. */
int capture_finish(struct capture *c, struct captured *out);
void capture_free(struct capture *c);

#endif
