/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: busywait. A lab program measures a phase in
 * which the student's code should only wait (a pool's parent waiting for
 * results, workers waiting for work) and prints its wall and CPU time;
 * waiting that keeps cores busy is spinning on a flag or polling in a loop
 * instead of blocking in the kernel. */
#include "kinds/busywait.h"
#include "base/escape.h"
#include "base/text.h"
#include "kinds/kinds_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
busywait_parse(const char *output, double *wall_ns, double *cpu_ns)
{
    const char *line = NULL, *w, *c;

    /* The last line that starts with the tag: anything the student's code
     * printed before it is not a measurement. */
    for (const char *p = output; (p = strstr(p, "busywait: ")) != NULL; p++)
        if (p == output || p[-1] == '\n')
            line = p;
    if (line == NULL)
        return -1;
    w = strstr(line, "wall_ns=");
    c = strstr(line, "cpu_ns=");
    const char *end = strchr(line, '\n');
    if (w == NULL || c == NULL || (end != NULL && (w > end || c > end)))
        return -1;
    *wall_ns = strtod(w + 8, NULL);
    *cpu_ns = strtod(c + 7, NULL);
    return *wall_ns > 0 && *cpu_ns >= 0 ? 0 : -1;
}

void
kind_busywait(const struct kind_call *call, struct graded_test *result)
{
    const struct test_spec *test = call->test;
    char *argv[34], args[512], program[4200];
    int argc = 0;
    struct hang_options hang;
    struct run_request req;
    struct run_result r;
    struct text out = TEXT_INIT;
    double wall_ns, cpu_ns;
    char how[200];

    snprintf(program, sizeof(program), "%s/%s", call->build->out,
             test->program);
    argv[argc++] = program;
    snprintf(args, sizeof(args), "%s", test->args != NULL ? test->args : "");
    for (char *a = strtok(args, " \t"); a != NULL && argc < 33;
         a = strtok(NULL, " \t"))
        argv[argc++] = a;
    argv[argc] = NULL;
    req = kind_request(call, argv, &hang);

    result->score = 0;
    result->status = TEST_FAILED;
    run_program(&req, &r);
    run_describe(&r, how, sizeof(how));
    if (r.end != RUN_EXITED || r.exit_code != 0) {
        text_addf(&out, "The waiting test %s.\n", how);
        if (r.hang_report != NULL)
            text_addf(&out, "%s\n", r.hang_report);
        else if (r.output != NULL && r.output[0] != '\0') {
            text_add(&out, "Its output:\n");
            text_add_quoted(&out, r.output);
        }
    } else if (busywait_parse(r.output, &wall_ns, &cpu_ns) != 0) {
        text_add(&out, "The waiting test printed no \"busywait:\" line; the "
                       "kit's program is broken, not your code.\n");
        result->status = TEST_ERROR;
    } else {
        double cores = cpu_ns / wall_ns;
        text_addf(&out,
                  "While your code waited for %.0f ms it used %.0f ms of CPU: "
                  "%.2f cores busy on average (at most %.2f allowed).\n",
                  wall_ns / 1e6, cpu_ns / 1e6, cores, test->max_cores);
        if (cores <= test->max_cores) {
            result->score = test->points;
            result->status = TEST_PASSED;
        } else {
            text_add(&out, "Waiting should cost almost nothing: block in the "
                           "kernel (read on a pipe, poll, waitpid, a condition "
                           "variable) instead of checking a flag or a "
                           "non-blocking descriptor in a loop.\n");
        }
    }
    result->output = text_steal(&out);
    run_result_free(&r);
}
