/* SPDX-License-Identifier: MIT */
/* The grader's runner: a channel, a pipe whose write end one run gets (as
 * run_request.pass_fd) and whose read end only the grader holds. What a
 * kit harness hands the grader (a Check suite's TAP log, a bench record)
 * goes through it, apart from the run's output, which the student's code
 * writes too: nothing printed can pass for it. */
#ifndef GRADER_RUN_CHANNEL_H
#define GRADER_RUN_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

struct channel {
    int read_fd, write_fd;
    char env[96]; /* the variable that names the write end to the run */
};

/* Open a channel that holds up to `capacity` bytes before its writer
 * blocks; `env_format` (one %d, the write end's number) makes the
 * variable the run finds it by, e.g. "KIT_RECORD_FD=%d". With
 * `nonblocking`, a writer that finds it full gets an error instead of
 * waiting for a reader that comes only after the run: a run that floods
 * it fails instead of hanging. Returns 0, or -1 with errno. */
int channel_open(struct channel *c, const char *env_format, size_t capacity,
                 bool nonblocking);

/* After the run: close the write end and return everything written, up to
 * `cap` bytes, NUL-terminated (malloc'ed; NULL when out of memory);
 * `len` receives how many bytes were read. Closes the channel. */
char *channel_take(struct channel *c, size_t cap, size_t *len);

/* Close what is still open of the channel. */
void channel_close(struct channel *c);

#endif
