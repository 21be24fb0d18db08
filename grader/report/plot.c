/* SPDX-License-Identifier: MIT */
/* The grader's reports: a speedup plot per speedup test. Writes LAB-TEST.dat
 * (the numbers) and LAB-TEST.gp (a gnuplot script) into the plot folder and
 * runs gnuplot on them there; `gnuplot LAB-TEST.gp` in that folder redraws it.
 */
#include "base/escape.h"
#include "base/files.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How much of gnuplot's complaints is kept to show when it fails. */
#define GNUPLOT_ERR_MAX 4096
#define SLUG_MAX 80

/* The first executable `name` on PATH, malloc'ed; NULL if there is none. */
static char *
find_on_path(const char *name)
{
    const char *path = getenv("PATH");
    struct text candidate = TEXT_INIT;

    if (path == NULL || path[0] == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        size_t len = strcspn(path, ":");
        candidate.len = 0;
        text_addn(&candidate, path, len);
        text_addc(&candidate, '/');
        text_add(&candidate, name);
        if (candidate.failed)
            break;
        /* gnuplot runs inside the plot folder: a relative entry (or an
         * empty one, the cwd) would name another program there. */
        if (path[0] == '/' && access(candidate.buf, X_OK) == 0)
            return candidate.buf;
        if (path[len] == '\0')
            break;
        path += len + 1;
    }
    text_free(&candidate);
    return NULL;
}

/* A gnuplot single-quoted string: valid UTF-8 (cairo needs it), on one line,
 * with ' doubled, the only escape such strings have. The terminal is set
 * noenhanced, so ^ _ @ { } stay literal. */
static void
add_gp_string(struct text *t, const char *s)
{
    struct text clean = TEXT_INIT;

    text_add_utf8(&clean, s);
    text_addc(t, '\'');
    for (const char *p = text_str(&clean); *p != '\0'; p++) {
        if (*p == '\'')
            text_add(t, "''");
        else if ((unsigned char)*p < 0x20 || *p == 0x7F)
            text_addc(t, ' ');
        else
            text_addc(t, *p);
    }
    text_addc(t, '\'');
    if (clean.failed)
        t->failed = true;
    text_free(&clean);
}

/* A number for the data file; "?" (declared missing) for NaN or infinity. */
static void
add_number(struct text *t, double x)
{
    if (isfinite(x))
        text_addf(t, " %.6g", x);
    else
        text_add(t, " ?");
}

/* Indices of the points by thread count, so the lines run left to right. */
static size_t *
sorted_points(const struct graded_test *test)
{
    size_t *order = malloc(test->npoints * sizeof(*order));

    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < test->npoints; i++) {
        size_t j = i;
        while (j > 0 &&
               test->points[order[j - 1]].threads > test->points[i].threads) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

static void
add_data(struct text *t, const struct lab_result *lab,
         const struct graded_test *test, const size_t *order)
{
    struct text title = TEXT_INIT;

    text_addf(&title, "%s: %s", lab->lab != NULL ? lab->lab : "",
              test->name != NULL ? test->name : "");
    for (size_t i = 0; i < title.len; i++)
        if (title.buf[i] == '\n')
            title.buf[i] = ' '; /* the comment must stay one line */
    text_add(t, "# Speedup of ");
    text_add_terminal(t, text_str(&title));
    if (title.failed)
        t->failed = true;
    text_free(&title);
    text_add(t, "\n# threads student_speedup calibration_speedup ratio "
                "student_ms serial_ms student_cores samples\n");
    for (size_t i = 0; i < test->npoints; i++) {
        const struct speedup_point *p = &test->points[order[i]];
        text_addf(t, "%d", p->threads);
        add_number(t, p->student_speedup);
        add_number(t, p->calibration_speedup);
        add_number(t, p->ratio);
        add_number(t, p->student_ms);
        add_number(t, p->serial_ms);
        add_number(t, p->student_cores);
        text_addf(t, " %d\n", p->samples);
    }
}

static void
add_script(struct text *t, const struct grade *g, const struct lab_result *lab,
           const struct graded_test *test, const size_t *order,
           const char *base)
{
    struct text s = TEXT_INIT;
    int xmax = 1;

    for (size_t i = 0; i < test->npoints; i++)
        if (test->points[i].threads > xmax)
            xmax = test->points[i].threads;

    text_add(t, "# Speedup plot made by the grader; redraw with: gnuplot ");
    text_add(t, base);
    text_add(t, ".gp\nset encoding utf8\n"
                "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
                "    set terminal pngcairo size 900,600 noenhanced "
                "font 'sans,11'\n"
                "} else {\n"
                "    set terminal png size 900,600 noenhanced\n"
                "}\n");
    text_addf(t, "set output '%s.png'\n", base);

    text_addf(&s, "%s: %s", lab->lab != NULL ? lab->lab : "",
              test->name != NULL ? test->name : "");
    text_add(t, "set title ");
    add_gp_string(t, text_str(&s));
    text_add(t, " font ',14'\n");
    s.len = 0;
    if (s.buf != NULL)
        s.buf[0] = '\0';
    text_add(&s, "Measured on ");
    machine_describe(&s, &g->machine);
    text_add(t, "set label 1 ");
    add_gp_string(t, text_str(&s));
    text_add(t, " at screen 0.5, 0.03 center\n");
    if (s.failed)
        t->failed = true;
    text_free(&s);

    text_addf(t, "set bmargin 6\nset xlabel '%s'\n",
              test->workers != NULL ? test->workers : "threads");
    text_add(t, "set ylabel 'speedup over the serial reference'\n"
                "set key top left reverse Left box opaque\n"
                "set grid\n"
                "set datafile missing '?'\n");
    text_add(t, "set xtics (");
    for (size_t i = 0; i < test->npoints; i++)
        text_addf(t, "%s%d", i > 0 ? ", " : "", test->points[order[i]].threads);
    text_add(t, ")\n");
    /* From the origin, where the ideal line starts, a little past the most
     * threads measured. The student's values sit under their points: the
     * student's line is usually below the calibration's. */
    text_addf(t, "set xrange [0:%g]\nset yrange [0:*]\n",
              xmax + (xmax < 10 ? 0.5 : xmax * 0.05));
    text_addf(t,
              "plot x title 'ideal (speedup = %s)' with lines "
              "dashtype 2 linewidth 1.5 linecolor rgb '#888888', \\\n"
              "     '%s.dat' using 1:3 title 'perfectly parallel kernel "
              "(calibration)' with linespoints pointtype 6 pointsize 1.3 "
              "linewidth 2 linecolor rgb '#e69f00', \\\n"
              "     '%s.dat' using 1:2 title 'your code' with linespoints "
              "pointtype 7 pointsize 1.5 linewidth 2.5 "
              "linecolor rgb '#0072b2', \\\n"
              "     '%s.dat' using 1:2:(sprintf('%%.2fx', $2)) notitle "
              "with labels offset 0,-1.3 textcolor rgb '#0072b2'\n",
              test->workers != NULL ? test->workers : "threads", base, base,
              base);
}

/* A slug cut to SLUG_MAX characters, with no '-' left at its end. */
static void
cap_slug(char *slug)
{
    size_t len = strlen(slug);

    if (len > SLUG_MAX)
        len = SLUG_MAX;
    while (len > 1 && slug[len - 1] == '-')
        len--;
    slug[len] = '\0';
}

/* dir/base.ext, malloc'ed. */
static char *
path_of(const char *dir, const char *base, const char *ext)
{
    struct text t = TEXT_INIT;

    text_addf(&t, "%s/%s%s", dir, base, ext);
    if (t.failed) {
        text_free(&t);
        return NULL;
    }
    return t.buf;
}

/* Runs gnuplot on base.gp inside dir; its complaints are shown only when it
 * fails, since it warns about harmless things (fonts) too. */
static int
run_gnuplot(const char *gnuplot, const char *dir, const char *base)
{
    struct text script = TEXT_INIT;
    char err[GNUPLOT_ERR_MAX + 1];
    char *argv[3];
    size_t errlen = 0;
    int fds[2], status;
    pid_t pid;
    ssize_t n;
    char sink[512];

    text_addf(&script, "%s.gp", base);
    if (script.failed) {
        fprintf(stderr, "grader: plots: out of memory\n");
        return -1;
    }
    argv[0] = (char *)"gnuplot";
    argv[1] = script.buf;
    argv[2] = NULL;
    if (pipe(fds) != 0) {
        text_free(&script);
        fprintf(stderr, "grader: plots: cannot run gnuplot: %s\n",
                strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "grader: plots: cannot run gnuplot: %s\n",
                strerror(errno));
        close(fds[0]);
        close(fds[1]);
        text_free(&script);
        return -1;
    }
    if (pid == 0) {
        /* Only async-signal-safe calls here: the grader may have threads. */
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
            if (devnull > STDERR_FILENO)
                close(devnull);
        }
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (chdir(dir) != 0)
            _exit(126);
        execv(gnuplot, argv);
        _exit(127);
    }
    close(fds[1]);
    while ((n = read(fds[0], sink, sizeof(sink))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (ssize_t i = 0; i < n && errlen < GNUPLOT_ERR_MAX; i++)
            err[errlen++] = sink[i];
    }
    close(fds[0]);
    err[errlen] = '\0';
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "grader: plots: waiting for gnuplot: %s\n",
                    strerror(errno));
            text_free(&script);
            return -1;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        text_free(&script);
        return 0;
    }
    fprintf(stderr, "grader: plots: gnuplot failed on %s/%s", dir, script.buf);
    text_free(&script);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
        fprintf(stderr, ": cannot enter %s\n", dir);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        fprintf(stderr, ": cannot execute %s\n", gnuplot);
    else if (WIFEXITED(status))
        fprintf(stderr, " (exit status %d)\n", WEXITSTATUS(status));
    else
        fprintf(stderr, " (killed by signal %d)\n",
                WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    if (errlen > 0)
        fprintf(stderr, "%s%s", err, err[errlen - 1] == '\n' ? "" : "\n");
    return -1;
}

static int
plot_test(const struct grade *g, const struct lab_result *lab,
          const struct graded_test *test, const char *dir, const char *gnuplot)
{
    char *lab_slug = format_slug(lab->lab),
         *test_slug = format_slug(test->name);
    char *dat = NULL, *gp = NULL, *png = NULL;
    size_t *order = sorted_points(test);
    struct text base = TEXT_INIT, data = TEXT_INIT, script = TEXT_INIT;
    struct stat st;
    int rc = -1;

    if (lab_slug == NULL || test_slug == NULL || order == NULL) {
        fprintf(stderr, "grader: plots: out of memory\n");
        goto out;
    }
    /* File names stay well under NAME_MAX whatever the test is called. */
    cap_slug(lab_slug);
    cap_slug(test_slug);
    text_addf(&base, "%s-%s", lab_slug, test_slug);
    dat = path_of(dir, text_str(&base), ".dat");
    gp = path_of(dir, text_str(&base), ".gp");
    png = path_of(dir, text_str(&base), ".png");
    if (base.failed || dat == NULL || gp == NULL || png == NULL) {
        fprintf(stderr, "grader: plots: out of memory\n");
        goto out;
    }
    add_data(&data, lab, test, order);
    add_script(&script, g, lab, test, order, text_str(&base));
    if (report_write_file(&data, dat, "plots") != 0 ||
        report_write_file(&script, gp, "plots") != 0)
        goto out;
    /* gnuplot leaves a stale picture alone when it fails: remove it first
     * so that a picture present always belongs to this grade. */
    unlink(png);
    if (run_gnuplot(gnuplot, dir, text_str(&base)) != 0)
        goto out;
    if (stat(png, &st) != 0 || st.st_size == 0) {
        fprintf(stderr, "grader: plots: gnuplot made no picture %s\n", png);
        goto out;
    }
    rc = 0;
out:
    free(lab_slug);
    free(test_slug);
    free(order);
    free(dat);
    free(gp);
    free(png);
    text_free(&base);
    text_free(&data);
    text_free(&script);
    return rc;
}

int
report_plots(const struct grade *g, const char *dir)
{
    char *gnuplot = NULL;
    size_t nplots = 0;
    int rc = 0;

    if (g == NULL || dir == NULL || dir[0] == '\0') {
        fprintf(stderr, "grader: plots: no grade or no folder given\n");
        return -1;
    }
    if (make_dirs(dir, 0777) != 0) {
        fprintf(stderr, "grader: plots: cannot create %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < g->nlabs; i++)
        for (size_t t = 0; t < g->labs[i].ntests; t++)
            if (g->labs[i].tests[t].npoints > 0)
                nplots++;
    if (nplots == 0)
        return 0;
    gnuplot = find_on_path("gnuplot");
    if (gnuplot == NULL) {
        fprintf(stderr,
                "grader: plots: gnuplot is not on PATH, so no plot "
                "was drawn into %s; install the Debian package "
                "gnuplot-nox (make deps does)\n",
                dir);
        return -1;
    }
    /* One failed plot does not stop the others. */
    for (size_t i = 0; i < g->nlabs; i++)
        for (size_t t = 0; t < g->labs[i].ntests; t++)
            if (g->labs[i].tests[t].npoints > 0 &&
                plot_test(g, &g->labs[i], &g->labs[i].tests[t], dir, gnuplot) !=
                    0)
                rc = -1;
    free(gnuplot);
    return rc;
}
