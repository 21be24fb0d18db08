/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: busywait. A lab program runs the student's code
 * in each phase in which it should only wait (a parent waiting for its
 * children or for results, workers waiting for work) and hands the grader
 * the wall and CPU time of each, through a channel of the grader's;
 * waiting that keeps cores busy is spinning on a flag or polling in a loop
 * instead of blocking in the kernel. The verdict is the worst phase's. */
#include "kinds/busywait.h"
#include "base/escape.h"
#include "base/text.h"
#include "kinds/kinds_run.h"
#include "run/channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most a record may be: a line per phase. */
#define RECORD_MAX_BYTES 4096
/* CPU time the run may use outside its phases, beyond what they report:
 * starting, the kit's own checks, ending. More is code of the student's
 * busy where no phase measured it (a worker left spinning between calls). */
#define OUTSIDE_CPU_MS 100.0

static int
number_after(const char **p, const char *key, double *out)
{
    size_t klen = strlen(key);
    char *end;

    if (strncmp(*p, key, klen) != 0)
        return -1;
    errno = 0;
    long long v = strtoll(*p + klen, &end, 10);
    if (errno != 0 || end == *p + klen || v < 0)
        return -1;
    *out = (double)v;
    *p = end;
    return 0;
}

int
busywait_parse(const char *text, size_t len, struct busywait_record *rec,
               char *why, size_t whylen)
{
    const char *p = text;
    int declared = -1;

    memset(rec, 0, sizeof(*rec));
    if (strlen(text) != len) {
        snprintf(why, whylen, "the record holds a NUL byte");
        return -1;
    }
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        if (nl == NULL || declared >= 0) {
            snprintf(why, whylen,
                     nl == NULL ? "the record ends in the middle of a line"
                                : "the record goes on after its last line");
            return -1;
        }
        if (strncmp(p, "busywait: phases=", 17) == 0) {
            char *end;
            long k = strtol(p + 17, &end, 10);
            if (end != nl || k != rec->n || k < 1) {
                snprintf(why, whylen,
                         "the record's last line says %.*s, after %d phases",
                         (int)(nl - p), p, rec->n);
                return -1;
            }
            declared = (int)k;
        } else {
            struct busywait_phase *ph = &rec->phases[rec->n];
            const char *q = p + 16;
            size_t nlen;

            if (strncmp(p, "busywait: phase=", 16) != 0 ||
                rec->n == BUSYWAIT_MAX_PHASES)
                goto malformed;
            nlen = strcspn(q, " \n");
            if (nlen == 0 || nlen >= sizeof(ph->name) || q[nlen] != ' ')
                goto malformed;
            memcpy(ph->name, q, nlen);
            q += nlen + 1;
            if (number_after(&q, "wall_ns=", &ph->wall_ns) != 0 ||
                *q++ != ' ' || number_after(&q, "cpu_ns=", &ph->cpu_ns) != 0 ||
                q != nl || !(ph->wall_ns > 0))
                goto malformed;
            for (int i = 0; i < rec->n; i++)
                if (strcmp(rec->phases[i].name, ph->name) == 0) {
                    snprintf(why, whylen,
                             "the record names the phase %s twice: the kit's "
                             "program writes each once",
                             ph->name);
                    return -1;
                }
            rec->n++;
        }
        p = nl + 1;
    }
    if (declared < 0) {
        snprintf(why, whylen,
                 rec->n == 0 ? "the run handed over no record"
                             : "the record has no last line");
        return -1;
    }
    return 0;

malformed:
    snprintf(why, whylen, "the record holds a line that is not the kit's: %.*s",
             (int)(strcspn(p, "\n") > 160 ? 160 : strcspn(p, "\n")), p);
    return -1;
}

void
kind_busywait(const struct kind_call *call, struct graded_test *result)
{
    const struct test_spec *test = call->test;
    char *argv[34], args[512], program[4200], how[200], bad[400];
    char *env[2] = {NULL, NULL};
    int argc = 0;
    struct hang_options hang;
    struct run_request req;
    struct run_result r;
    struct channel record;
    struct busywait_record rec;
    struct text out = TEXT_INIT;
    char *text;
    size_t len;

    result->score = 0;
    result->status = TEST_FAILED;
    snprintf(program, sizeof(program), "%s/%s", call->build->out,
             test->program);
    argv[argc++] = program;
    snprintf(args, sizeof(args), "%s", test->args != NULL ? test->args : "");
    for (char *a = strtok(args, " \t"); a != NULL && argc < 33;
         a = strtok(NULL, " \t"))
        argv[argc++] = a;
    argv[argc] = NULL;
    req = kind_request(call, argv, &hang);
    /* Non-blocking for the writer: a run that floods the channel fails,
     * it does not hang. */
    if (channel_open(&record, "KIT_RECORD_FD=%d", 0, true) != 0) {
        result->status = TEST_ERROR;
        result->output = strdup("The grader could not make a pipe.\n");
        return;
    }
    env[0] = record.env;
    req.env = env;
    req.pass_fd = record.write_fd;
    kind_run(call, &req, &r);
    text = channel_take(&record, RECORD_MAX_BYTES, &len);
    run_describe(&r, how, sizeof(how));
    if (r.end != RUN_EXITED || r.exit_code != 0) {
        text_addf(&out, "The waiting test %s.\n", how);
        if (r.hang_report != NULL)
            text_addf(&out, "%s\n", r.hang_report);
        else if (r.output != NULL && r.output[0] != '\0') {
            text_add(&out, "Its output:\n");
            text_add_quoted(&out, r.output);
        }
    } else if (text == NULL ||
               busywait_parse(text, len, &rec, bad, sizeof(bad)) != 0) {
        text_addf(&out,
                  "Tampering: %s. The kit's program hands the grader one "
                  "record of what it measured, through a channel of the "
                  "grader's; this run's cannot be it, so nothing was "
                  "measured: no points.\n",
                  text == NULL ? "the grader ran out of memory" : bad);
    } else {
        const struct busywait_phase *worst = NULL;
        double claimed = 0;

        for (int i = 0; i < rec.n; i++) {
            const struct busywait_phase *ph = &rec.phases[i];
            double cores = ph->cpu_ns / ph->wall_ns;
            claimed += ph->cpu_ns / 1e6;
            text_addf(&out,
                      "%-14s waited %6.0f ms, used %6.1f ms of CPU: %.3f "
                      "cores busy\n",
                      ph->name, ph->wall_ns / 1e6, ph->cpu_ns / 1e6, cores);
            if (worst == NULL || cores > worst->cpu_ns / worst->wall_ns)
                worst = ph;
        }
        double cores = worst->cpu_ns / worst->wall_ns;
        double outside = r.cpu_seconds * 1e3 - claimed;
        if (outside < -OUTSIDE_CPU_MS / 10) {
            text_addf(&out,
                      "Tampering: the record says the phases used %.0f ms of "
                      "CPU, but the whole run used %.0f ms: no points.\n",
                      claimed, r.cpu_seconds * 1e3);
        } else if (cores > test->max_cores) {
            text_addf(&out,
                      "%s kept %.2f cores busy while it waited (at most %.2f "
                      "allowed). Waiting should cost almost nothing: block "
                      "in the kernel (read on a pipe, poll, waitpid, a "
                      "condition variable) instead of checking a flag, a "
                      "non-blocking descriptor or waitpid(WNOHANG) in a "
                      "loop.\n",
                      worst->name, cores, test->max_cores);
        } else if (outside > OUTSIDE_CPU_MS) {
            text_addf(&out,
                      "Outside the phases measured, the run used %.0f ms of "
                      "CPU (the kit's own code needs a few): something of "
                      "yours kept running between the calls, busy (a worker "
                      "left spinning?). Everything your code starts must "
                      "end, or block, when the call returns.\n",
                      outside);
        } else {
            text_addf(&out,
                      "The busiest, %s, kept %.3f cores busy while it "
                      "waited (at most %.2f allowed).\n",
                      worst->name, cores, test->max_cores);
            result->score = test->points;
            result->status = TEST_PASSED;
        }
    }
    free(text);
    result->output = text_steal(&out);
    run_result_free(&r);
}
