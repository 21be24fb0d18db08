/* The grader: judging CPU time over wall time of a waiting phase. */
#include "busywait.h"
#include "run.h"
#include "text.h"

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
busywait_run(const struct lab_test *test, const char *program,
             const char *run_dir, char *const *student_files,
             struct graded_test *result)
{
    char *argv[34], args[512];
    int argc = 0;
    struct run_request req = {
        .argv = argv,
        .cwd = run_dir,
        .sandboxed = true,
        .limits = {.wall_seconds = test->timeout,
                   .memory_mb = 2048,
                   .tree_memory_mb = 4096,
                   .processes = 1024,
                   .file_size_mb = 16,
                   .open_files = 256,
                   .output_bytes = 64 * 1024},
        .diagnose_hang = true,
        .student_files = student_files,
    };
    struct run_result r;
    struct text out = TEXT_INIT;
    double wall_ns, cpu_ns;
    char how[200];

    argv[argc++] = (char *)program;
    snprintf(args, sizeof(args), "%s", test->args != NULL ? test->args : "");
    for (char *a = strtok(args, " \t"); a != NULL && argc < 33;
         a = strtok(NULL, " \t"))
        argv[argc++] = a;
    argv[argc] = NULL;

    result->score = 0;
    result->status = TEST_FAILED;
    run_program(&req, &r);
    run_describe(&r, how, sizeof(how));
    if (r.end != RUN_EXITED || r.exit_code != 0) {
        text_addf(&out, "The waiting test %s.\n", how);
        if (r.hang_report != NULL)
            text_addf(&out, "%s\n", r.hang_report);
        else if (r.output != NULL && r.output[0] != '\0')
            text_addf(&out, "Its output:\n%s\n", r.output);
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
    free(result->output);
    result->output = strdup(text_str(&out));
    text_free(&out);
    run_result_free(&r);
}
