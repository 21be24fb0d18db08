/* SPDX-License-Identifier: MIT */
/* grade-class: progress. On a terminal, one bar line redrawn in place; in a
 * log (CI, a file), one line per finished student-lab. Time left is the
 * mean wall time of the graders finished so far, times those left, over
 * the workers that will share them. */
#include "base/format.h"
#include "class.h"
#include "kit_time.h"

#include <stdio.h>
#include <string.h>

#define BAR_WIDTH 20
#define NAME_WIDTH 24

void
format_duration(double seconds, char *buf, size_t len)
{
    long s = seconds > 0 ? (long)(seconds + 0.5) : 0;

    if (s < 60)
        snprintf(buf, len, "%lds", s);
    else if (s < 3600)
        snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
}

/* A folder name as the terminal should show it: control bytes (an escape
 * sequence in a name could redraw the screen) as '?', cut to `max` bytes
 * at a character boundary. */
void
print_name(FILE *to, const char *name, size_t max)
{
    size_t n = strlen(name);

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        fputc(c < 0x20 || c == 0x7F ? '?' : c, to);
    }
}

/* The estimate is made when a grader ends and counts down between ends, so
 * the bar does not stand still through a long speedup measurement. */
static void
update_estimate(struct progress *p)
{
    size_t left = p->total - p->finished;
    size_t workers = (size_t)p->workers < left ? (size_t)p->workers : left;

    p->estimate = p->graded_count == 0 || left == 0
                      ? 0
                      : p->graded_seconds / (double)p->graded_count *
                            (double)left / (double)workers;
    p->estimate_ns = kit_now_ns();
}

/* "about 3m10s left", or "" before anything has been timed. */
static void
time_left(const struct progress *p, char *buf, size_t len)
{
    double left = p->estimate - (double)(kit_now_ns() - p->estimate_ns) / 1e9;
    char d[32];

    buf[0] = '\0';
    if (p->graded_count == 0 || p->finished == p->total)
        return;
    format_duration(left > 1 ? left : 1, d, sizeof(d));
    snprintf(buf, len, "about %s left", d);
}

void
progress_clear(struct progress *p)
{
    if (p->tty && p->line_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->line_shown = false;
}

static void
draw_bar(struct progress *p, const struct job *job)
{
    size_t filled =
        p->total > 0 ? p->finished * BAR_WIDTH / p->total : BAR_WIDTH;
    char left[64];

    fputs("\r[", stderr);
    for (size_t i = 0; i < BAR_WIDTH; i++)
        fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu", p->finished, p->total);
    if (job != NULL) {
        fputs("  ", stderr);
        print_name(stderr, job->student, NAME_WIDTH);
        fprintf(stderr, " %s", job->lab);
    }
    time_left(p, left, sizeof(left));
    if (left[0] != '\0')
        fprintf(stderr, "  %s", left);
    fputs("\033[K", stderr);
    fflush(stderr);
    p->line_shown = true;
}

/* What a finished student-lab got: "85/100", or why it has no grade. */
static void
print_outcome(FILE *to, const struct job *job)
{
    char score[32], max[32];

    if (job->state == JOB_DONE) {
        format_points(job->score, score, sizeof(score));
        format_points(job->max_score, max, sizeof(max));
        fprintf(to, " %s/%s", score, max);
    }
    if (job->reason[0] != '\0') {
        fputs(job->state == JOB_DONE ? ", could not grade: "
                                     : " could not grade: ",
              to);
        print_name(to, job->reason, sizeof(job->reason));
    }
    fprintf(to, " (%.1f s)", job->seconds);
}

void
progress_started(void *ctx, const struct job *job)
{
    struct progress *p = ctx;

    p->last = job;
    if (p->tty)
        draw_bar(p, job);
}

void
progress_finished(void *ctx, const struct job *job)
{
    struct progress *p = ctx;
    char left[64];

    p->finished++;
    p->last = job;
    if (job->seconds > 0) {
        p->graded_seconds += job->seconds;
        p->graded_count++;
    }
    update_estimate(p);
    /* A failure stays on screen above the bar; grades are in the CSV. */
    if (p->tty && job->state == JOB_DONE && job->reason[0] == '\0') {
        draw_bar(p, job);
        return;
    }
    progress_clear(p);
    fprintf(stderr, "[%zu/%zu] ", p->finished, p->total);
    print_name(stderr, job->student, 64);
    fprintf(stderr, " %s", job->lab);
    print_outcome(stderr, job);
    time_left(p, left, sizeof(left));
    fprintf(stderr, "%s%s\n", left[0] != '\0' ? ", " : "", left);
    if (p->tty)
        draw_bar(p, job);
    else
        fflush(stderr);
}

void
progress_tick(void *ctx)
{
    struct progress *p = ctx;

    if (p->tty && p->line_shown)
        draw_bar(p, p->last);
}
