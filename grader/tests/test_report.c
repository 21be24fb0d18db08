/* SPDX-License-Identifier: MIT */
/* Unit tests of the grader's reports: each report written from a grade made
 * in memory (every status, held points, a speedup test, hostile output) and
 * read back: JSON parsed, XML checked well-formed, Markdown and terminal
 * text searched, the plot's PNG looked at. */
#include "suites.h"

#include "base/escape.h"
#include "base/files.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Student output with everything a report must survive: markup, quotes,
 * backtick runs longer than a Markdown fence, a control byte, a terminal
 * escape sequence, a byte that is not UTF-8, a CR and a CDATA end. */
static const char hostile[] =
    "expected <2> & got \"8\" 'x'\n"
    "``` and ````` in the output\n"
    "control \x01 byte, escape \x1b[31mred\x1b[0m, invalid \xff byte\n"
    "]]> and a carriage\r return\n";

static char tmpdir[256];

static char *
xstrdup(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* Test i of lab. */
static void
set_test(struct lab_result *lab, size_t i, const char *name, const char *kind,
         double score, double max_score, enum test_status status, bool held,
         const char *output)
{
    memset(&lab->tests[i], 0, sizeof(lab->tests[i]));
    lab->tests[i].name = xstrdup(name);
    lab->tests[i].kind = xstrdup(kind);
    lab->tests[i].score = score;
    lab->tests[i].max_score = max_score;
    lab->tests[i].status = status;
    lab->tests[i].held = held;
    lab->tests[i].output = xstrdup(output);
}

static void
set_lab(struct lab_result *lab, const char *name, const char *title,
        size_t ntests)
{
    memset(lab, 0, sizeof(*lab));
    lab->lab = xstrdup(name);
    lab->title = xstrdup(title);
    lab->ntests = ntests;
    lab->tests = ntests > 0 ? calloc(ntests, sizeof(*lab->tests)) : NULL;
    ck_assert(ntests == 0 || lab->tests != NULL);
    lab->seconds = 4.25;
}

/* Three labs: 01-cores (passed, failed, error, skipped: 40/100), 02-threads
 * (passed, a partial speedup with points, held inconclusive and skipped:
 * 64.5/70 with 40 held) and 03-locks, which could not be graded. */
static struct grade
make_grade(void)
{
    struct grade g;
    struct lab_result *lab;
    /* Out of order on purpose: the plot sorts by threads. */
    static const struct speedup_point pts[] = {
        {1, 0.97, 1.00, 0.97, 830.0, 805.0, 1.0, 7},
        {2, 1.85, 1.98, 0.93, 435.0, 805.0, 2.0, 7},
        {8, 4.10, 6.40, 0.64, 196.3, 805.0, 7.6, 9},
        {4, 3.10, 3.90, 0.79, 259.7, 805.0, 3.9, 7},
    };

    memset(&g, 0, sizeof(g));
    g.nlabs = 3;
    g.labs = calloc(g.nlabs, sizeof(*g.labs));
    ck_assert_ptr_nonnull(g.labs);

    lab = &g.labs[0];
    set_lab(lab, "01-cores", "How many cores?", 4);
    set_test(lab, 0, "counts on synthetic machines", "check", 40, 40,
             TEST_PASSED, false, "all 12 topologies match\n");
    set_test(lab, 1, "counts under a restricted mask", "check", 0, 30,
             TEST_FAILED, false, hostile);
    set_test(lab, 2, "no data races", "tsan", 0, 10, TEST_ERROR, false,
             "build failed:\ncores.c:3:1: error: expected ';'\n");
    set_test(lab, 3, "affinity respected", "check", 0, 20, TEST_SKIPPED, false,
             "needs 2 usable CPUs\n");
    lab_result_total(lab);

    lab = &g.labs[1];
    set_lab(lab, "02-threads", "Threads: divide & conquer", 4);
    set_test(lab, 0, "results match the serial reference", "check", 40, 40,
             TEST_PASSED, false, NULL);
    set_test(lab, 1, "speedup", "speedup", 24.5, 30, TEST_PARTIAL, false,
             "[integrate] serial 805.0 ms | 8 threads 196.3 ms | speedup "
             "4.10x\nratio to calibration 0.64, target 0.8\n");
    lab->tests[1].npoints = sizeof(pts) / sizeof(pts[0]);
    lab->tests[1].points = malloc(sizeof(pts));
    ck_assert_ptr_nonnull(lab->tests[1].points);
    memcpy(lab->tests[1].points, pts, sizeof(pts));
    set_test(lab, 2, "speedup under load", "speedup", 0, 30, TEST_INCONCLUSIVE,
             true, "machine too noisy: serial runs spread 35%\n");
    set_test(lab, 3, "processes", "check", 0, 10, TEST_SKIPPED, true,
             "1 usable CPU\n");
    lab_result_total(lab);

    lab = &g.labs[2];
    set_lab(lab, "03-locks", "Locks", 0);
    lab->error = xstrdup("missing submit file counter.c\n");
    lab_result_total(lab);

    snprintf(g.machine.cpu_model, sizeof(g.machine.cpu_model), "Test CPU 3000");
    g.machine.usable_cpus = 4;
    g.machine.physical_cores = 4;
    g.machine.logical_cpus = 8;
    g.machine.cpu_quota = 0;
    g.seconds = 12.6;
    g.notes = xstrdup("no cgroup: memory limits by rlimit only");
    return g;
}

static void
remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char child[1024];

    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void
setup(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/report-test-XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
    remove_tree(tmpdir);
}

static const char *
in_tmp(const char *name)
{
    static char path[512];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

/* The whole file, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

static size_t
count(const char *haystack, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(haystack, needle); p != NULL;
         p = strstr(p + 1, needle))
        n++;
    return n;
}

static int saved_stderr = -1;

/* Sends stderr to a file of the temp folder until stderr_back(), which
 * returns what was written there: the reports' messages, to check. */
static void
stderr_away(void)
{
    int fd = open(in_tmp("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    ck_assert_int_ge(saved_stderr, 0);
    ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
    close(fd);
}

static char *
stderr_back(void)
{
    fflush(stderr);
    ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
    close(saved_stderr);
    return slurp(in_tmp("stderr.txt"), NULL);
}

/* The bytes no report may pass through raw. */
static void
assert_no_raw_bytes(const char *buf, size_t len, const char *what)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        ck_assert_msg(c != 0x01 && c != 0x1b && c != 0xff,
                      "%s holds raw byte 0x%02x at %zu", what, c, i);
    }
}

/* Runs argv with output discarded; its exit status, 127 when it could not
 * be started (not installed). */
static int
run_quiet(char *const argv[])
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* A small well-formedness check of our own, for machines with neither
 * xmllint nor python3: tags nest, attributes are quoted, every & starts a
 * reference, no < in text. Returns NULL or what is wrong. */
static const char *
xml_problem(const char *s)
{
    static char why[128];
    const char *stack[64];
    size_t stack_len[64], depth = 0;

    while (*s != '\0') {
        if (*s == '&') {
            size_t n = strspn(s + 1, "#0123456789abcdefghijklmnopqrstuvwxyz");
            if (n == 0 || s[1 + n] != ';')
                return "an & that starts no reference";
            s += n + 2;
        } else if (strncmp(s, "<?", 2) == 0) {
            s = strstr(s, "?>");
            if (s == NULL)
                return "an unclosed <?";
            s += 2;
        } else if (strncmp(s, "</", 2) == 0) {
            size_t n = strcspn(s + 2, ">");
            if (depth == 0 || n != stack_len[depth - 1] ||
                strncmp(s + 2, stack[depth - 1], n) != 0) {
                snprintf(why, sizeof(why), "mismatched end tag %.*s", (int)n,
                         s + 2);
                return why;
            }
            depth--;
            s += n + 3;
        } else if (*s == '<') {
            const char *name = s + 1;
            size_t n = strcspn(name, " />");
            char quote = 0;
            for (s = name + n; *s != '\0' && (quote || *s != '>'); s++) {
                if (quote && *s == quote)
                    quote = 0;
                else if (!quote && (*s == '"' || *s == '\''))
                    quote = *s;
                else if (*s == '<')
                    return "a < inside a tag";
            }
            if (*s != '>')
                return "an unclosed tag";
            if (s[-1] != '/') {
                if (depth == 64)
                    return "too deep";
                stack[depth] = name;
                stack_len[depth++] = n;
            }
            s++;
        } else {
            s++;
        }
    }
    return depth == 0 ? NULL : "an element left open";
}

/* Well-formed XML, by xmllint, else python3's parser, and always by the
 * small check above. */
static void
assert_well_formed_xml(const char *path)
{
    char *xmllint[] = {"xmllint", "--noout", (char *)path, NULL};
    char *python[] = {"python3", "-c",
                      "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])",
                      (char *)path, NULL};
    char *xml = slurp(path, NULL);
    const char *problem = xml_problem(xml);
    int rc = run_quiet(xmllint);

    ck_assert_msg(problem == NULL, "%s: %s", path, problem);
    if (rc == 127)
        rc = run_quiet(python);
    ck_assert_msg(rc == 0 || rc == 127, "%s is not well-formed XML", path);
    free(xml);
}

static json_t *
find_test(json_t *tests, const char *name)
{
    size_t i;
    json_t *t;

    json_array_foreach(tests, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return t;
    }
    ck_abort_msg("no test named %s in results.json", name);
    return NULL;
}

static double
number(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    ck_assert_msg(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

static void
assert_entry(json_t *tests, const char *name, double score, double max_score,
             const char *status)
{
    json_t *t = find_test(tests, name);

    ck_assert_double_eq_tol(number(t, "score"), score, 1e-9);
    ck_assert_double_eq_tol(number(t, "max_score"), max_score, 1e-9);
    ck_assert_str_eq(json_string_value(json_object_get(t, "status")), status);
    ck_assert_str_eq(json_string_value(json_object_get(t, "visibility")),
                     "visible");
}

static bool
has_tag(json_t *test, const char *tag)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(test, "tags"), i, v)
    {
        if (strcmp(json_string_value(v), tag) == 0)
            return true;
    }
    return false;
}

START_TEST(json_has_gradescope_fields_and_scores)
{
    struct grade g = make_grade();
    const char *path = in_tmp("results.json");
    json_error_t err;
    json_t *root, *tests, *t;
    double sum = 0, max_sum = 0;
    size_t i;
    const char *out;

    ck_assert_int_eq(report_results_json(&g, path), 0);
    root = json_load_file(path, 0, &err);
    ck_assert_msg(root != NULL, "results.json: %s at line %d", err.text,
                  err.line);
    ck_assert_double_eq_tol(number(root, "score"), 104.5, 1e-9);
    ck_assert(json_is_integer(json_object_get(root, "execution_time")));
    ck_assert_int_eq(
        json_integer_value(json_object_get(root, "execution_time")), 13);
    ck_assert_str_eq(json_string_value(json_object_get(root, "visibility")),
                     "visible");
    ck_assert_str_eq(
        json_string_value(json_object_get(root, "stdout_visibility")),
        "visible");
    out = json_string_value(json_object_get(root, "output"));
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "Grade: 104.5/170"));
    ck_assert_ptr_nonnull(strstr(out, "Test CPU 3000: 4 usable CPUs"));
    /* Rendered as HTML by Gradescope, so escaped. */
    ck_assert_ptr_nonnull(strstr(out, "divide &amp; conquer"));

    tests = json_object_get(root, "tests");
    ck_assert(json_is_array(tests));
    ck_assert_uint_eq(json_array_size(tests), 9);
    json_array_foreach(tests, i, t)
    {
        const char *status = json_string_value(json_object_get(t, "status"));
        ck_assert_ptr_nonnull(status);
        ck_assert_msg(strcmp(status, "passed") == 0 ||
                          strcmp(status, "failed") == 0,
                      "Gradescope has no status %s", status);
        sum += number(t, "score");
        max_sum += number(t, "max_score");
    }
    ck_assert_double_eq_tol(sum, 104.5, 1e-9);
    ck_assert_double_eq_tol(max_sum, 170, 1e-9);

    assert_entry(tests, "01-cores: counts on synthetic machines", 40, 40,
                 "passed");
    assert_entry(tests, "01-cores: counts under a restricted mask", 0, 30,
                 "failed");
    assert_entry(tests, "01-cores: no data races", 0, 10, "failed");
    assert_entry(tests, "01-cores: affinity respected", 0, 20, "failed");
    assert_entry(tests, "02-threads: speedup", 24.5, 30, "failed");
    assert_entry(tests, "02-threads: speedup under load", 0, 0, "passed");
    assert_entry(tests, "02-threads: processes", 0, 0, "passed");
    assert_entry(tests, "03-locks: grading", 0, 0, "failed");

    t = find_test(tests, "02-threads: speedup");
    ck_assert(has_tag(t, "partial"));
    ck_assert_uint_eq(json_array_size(json_object_get(
                          json_object_get(t, "extra_data"), "measured")),
                      4);
    t = find_test(tests, "02-threads: speedup under load");
    ck_assert(has_tag(t, "inconclusive"));
    ck_assert(has_tag(t, "held"));
    out = json_string_value(json_object_get(t, "output"));
    ck_assert_ptr_nonnull(strstr(out, "Status: inconclusive; its 30 points "
                                      "are held"));
    t = find_test(tests, "01-cores: counts under a restricted mask");
    out = json_string_value(json_object_get(t, "output"));
    ck_assert_ptr_nonnull(strstr(out, "Status: failed"));
    ck_assert_ptr_nonnull(strstr(out, "expected <2> & got \"8\""));
    ck_assert_ptr_nonnull(strstr(out, "control ^A byte, escape ^[[31mred"));
    ck_assert_ptr_nonnull(strstr(out, "invalid ? byte"));
    t = find_test(tests, "03-locks: grading");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(t, "output")),
               "missing submit file counter.c"));

    json_decref(root);
    grade_free(&g);
}
END_TEST

START_TEST(junit_is_well_formed_with_right_counts)
{
    struct grade g = make_grade();
    const char *path = in_tmp("junit.xml");
    size_t len;
    char *xml;

    ck_assert_int_eq(report_junit(&g, path), 0);
    assert_well_formed_xml(path);
    xml = slurp(path, &len);
    assert_no_raw_bytes(xml, len, "junit.xml");
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"grade\" tests=\"9\" "
                                      "failures=\"2\" errors=\"2\" "
                                      "skipped=\"3\" time=\"12.600\">"));
    ck_assert_ptr_nonnull(strstr(xml,
                                 "<testsuite name=\"01-cores\" tests=\"4\" "
                                 "failures=\"1\" errors=\"1\" "
                                 "skipped=\"1\""));
    ck_assert_ptr_nonnull(strstr(xml, "<testsuite name=\"02-threads\" "
                                      "tests=\"4\" failures=\"1\" errors=\"0\" "
                                      "skipped=\"2\""));
    ck_assert_ptr_nonnull(strstr(xml,
                                 "<testsuite name=\"03-locks\" tests=\"1\" "
                                 "failures=\"0\" errors=\"1\" "
                                 "skipped=\"0\""));
    ck_assert_uint_eq(count(xml, "<testcase "), 9);
    ck_assert_uint_eq(count(xml, "<failure "), 2);
    ck_assert_uint_eq(count(xml, "<error "), 2);
    ck_assert_uint_eq(count(xml, "<skipped "), 3);
    ck_assert_ptr_nonnull(strstr(xml, "<testcase classname=\"01-cores\" "
                                      "name=\"counts under a restricted "
                                      "mask\""));
    ck_assert_ptr_nonnull(strstr(xml, "message=\"partial: 24.5/30 points\""));
    ck_assert_ptr_nonnull(strstr(xml, "message=\"inconclusive, 30 points "
                                      "held: machine too noisy"));
    ck_assert_ptr_nonnull(
        strstr(xml, "expected &lt;2&gt; &amp; got &quot;8&quot; &#39;x&#39;"));
    ck_assert_ptr_nonnull(strstr(xml, "control ^A byte, escape ^[[31mred"));
    ck_assert_ptr_nonnull(strstr(xml, "]]&gt; and a carriage^M return"));
    free(xml);
    grade_free(&g);
}
END_TEST

START_TEST(summary_has_tables_and_safe_fences)
{
    struct grade g = make_grade();
    const char *path = in_tmp("summary.md");
    size_t len;
    char *md;

    ck_assert_int_eq(report_summary(&g, path), 0);
    md = slurp(path, &len);
    assert_no_raw_bytes(md, len, "summary.md");
    ck_assert_ptr_nonnull(strstr(md, "## Grade: 104.5/170\n"));
    ck_assert_ptr_nonnull(strstr(md, "| test | status | points |\n"));
    ck_assert_ptr_nonnull(
        strstr(md, "| counts on synthetic machines | \u2705 passed | 40/40 |"));
    ck_assert_ptr_nonnull(strstr(md, "| counts under a restricted mask | "
                                     "\u274C failed | 0/30 |"));
    ck_assert_ptr_nonnull(strstr(md, "| speedup | \U0001F7E1 partial | "
                                     "24.5/30 |"));
    ck_assert_ptr_nonnull(strstr(md, "| speedup under load | \u2754 "
                                     "inconclusive, held | held |"));
    ck_assert_ptr_nonnull(strstr(md, "Threads\\: divide \\& conquer"));
    /* Six details: every test that did not pass. */
    ck_assert_uint_eq(count(md, "<details>"), 6);
    ck_assert_uint_eq(count(md, "</details>"), 6);
    /* The output holds a run of five backticks: its fence has six, and
     * nothing longer appears anywhere. */
    ck_assert_ptr_nonnull(strstr(md, "\n``````text\nexpected <2> & got"));
    ck_assert_ptr_nonnull(strstr(md, "^[[31mred^[[0m"));
    ck_assert_uint_eq(format_longest_run(md, '`'), 6);
    ck_assert_ptr_nonnull(strstr(md, "<summary>01-cores: counts under a "
                                     "restricted mask \u2014 failed, "
                                     "0/30</summary>"));
    ck_assert_ptr_nonnull(strstr(md, "missing submit file counter.c"));
    ck_assert_ptr_nonnull(strstr(md, "**Machine:** Test CPU 3000\\: 4 usable"));
    free(md);
    grade_free(&g);
}
END_TEST

/* The terminal report of g, as a string. */
static char *
terminal_text(const struct grade *g, bool color, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    ck_assert_ptr_nonnull(f);
    report_terminal(g, f, color);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

/* A test shown after the due date: results.json keeps it, with its
 * visibility, and a summary a student reads totals only what is shown; the
 * student's view drops it from every other report, and says so. */
START_TEST(student_view_leaves_out_what_shows_later)
{
    struct grade g = make_grade();
    const char *path = in_tmp("later.json");
    json_error_t err;
    json_t *root, *t;
    size_t len;
    char *out;

    g.labs[0].tests[0].visibility = "after_due_date";
    ck_assert_int_eq(report_results_json(&g, path), 0);
    root = json_load_file(path, 0, &err);
    ck_assert_msg(root != NULL, "%s", err.text);
    t = json_array_get(json_object_get(root, "tests"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(t, "visibility")),
                     "after_due_date");
    ck_assert_double_eq_tol(number(t, "score"), 40, 1e-9);
    /* The 40 points of the test shown later are in no total shown. */
    const char *summary = json_string_value(json_object_get(root, "output"));
    ck_assert_msg(strstr(summary, "Grade: 64.5/130") != NULL, "%s", summary);
    ck_assert_msg(strstr(summary, "0/60 (and 1 test worth 40 points, shown "
                                  "later)") != NULL,
                  "%s", summary);
    json_decref(root);

    ck_assert_int_eq(grade_student_view(&g), 1);
    ck_assert_int_eq((int)g.labs[0].ntests, 3);
    ck_assert_double_eq_tol(g.labs[0].max_score, 60, 1e-9);
    out = terminal_text(&g, false, &len);
    ck_assert_msg(strstr(out, "counts on synthetic machines") == NULL, "%s",
                  out);
    ck_assert_msg(strstr(out, "Total 64.5/130") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "1 more test (40 points) was graded") != NULL,
                  "%s", out);
    free(out);
    grade_free(&g);
}
END_TEST

START_TEST(terminal_shows_points_and_totals)
{
    struct grade g = make_grade();
    size_t len;
    char *out = terminal_text(&g, false, &len);

    ck_assert_msg(memchr(out, '\x1b', len) == NULL,
                  "escape codes without colour:\n%s", out);
    assert_no_raw_bytes(out, len, "the terminal report");
    ck_assert_ptr_nonnull(strstr(out, "01-cores  How many cores?\n"));
    ck_assert_ptr_nonnull(strstr(out, "  passed        counts on synthetic "
                                      "machines    40/40\n"));
    ck_assert_ptr_nonnull(strstr(out, "  FAILED        counts under a "
                                      "restricted mask   0/30\n"));
    ck_assert_ptr_nonnull(strstr(out, "  ERROR         no data races"));
    ck_assert_ptr_nonnull(strstr(out, "      cores.c:3:1: error"));
    ck_assert_ptr_nonnull(strstr(out, "24.5/30\n"));
    ck_assert_ptr_nonnull(strstr(out, "  inconclusive  speedup under load"));
    ck_assert_ptr_nonnull(strstr(out, "   held\n      machine too noisy"));
    /* A passed speedup test's numbers are shown too; a passed check's not. */
    ck_assert_ptr_nonnull(strstr(out, "      [integrate] serial 805.0 ms"));
    ck_assert_ptr_null(strstr(out, "all 12 topologies match"));
    ck_assert_ptr_nonnull(strstr(out, "  total 40/100\n"));
    ck_assert_ptr_nonnull(strstr(out, "  total 64.5/70  (40 points held)\n"));
    ck_assert_ptr_nonnull(strstr(out, "missing submit file counter.c"));
    ck_assert_ptr_nonnull(strstr(out, "Total 104.5/170  (40 points held)\n"));
    ck_assert_ptr_nonnull(strstr(out, "Machine: Test CPU 3000: 4 usable CPUs "
                                      "(4 physical cores, 8 logical CPUs)\n"));
    ck_assert_ptr_nonnull(strstr(out, "no cgroup"));
    /* Student output cannot drive the terminal. */
    ck_assert_ptr_nonnull(strstr(out, "control ^A byte, escape ^[[31mred"));
    ck_assert_ptr_nonnull(strstr(out, "invalid ? byte"));
    free(out);

    out = terminal_text(&g, true, &len);
    ck_assert_ptr_nonnull(strstr(out, "\x1b[32mpassed\x1b[0m"));
    ck_assert_ptr_nonnull(strstr(out, "\x1b[31mFAILED\x1b[0m"));
    ck_assert_ptr_nonnull(strstr(out, "\x1b[33mpartial\x1b[0m"));
    ck_assert_ptr_nonnull(strstr(out, "\x1b[1mTotal 104.5/170\x1b[0m"));
    free(out);
    grade_free(&g);
}
END_TEST

static bool
have_program(const char *name)
{
    char *argv[] = {(char *)name, "--version", NULL};

    return run_quiet(argv) != 127;
}

START_TEST(plot_makes_a_png)
{
    struct grade g = make_grade();
    char dir[512], png[600];
    size_t len;
    char *data;

    if (!have_program("gnuplot")) {
        test_skipped("plot_makes_a_png",
                     "gnuplot is not installed (gnuplot-nox): no PNG to check");
        grade_free(&g);
        return;
    }
    snprintf(dir, sizeof(dir), "%s/plots/nested", tmpdir);
    ck_assert_int_eq(report_plots(&g, dir), 0);
    snprintf(png, sizeof(png), "%s/02-threads-speedup.png", dir);
    data = slurp(png, &len);
    ck_assert_uint_gt(len, 1000);
    ck_assert_int_eq(memcmp(data, "\x89PNG\r\n\x1a\n", 8), 0);
    free(data);
    /* Tests without measurements get no plot. */
    snprintf(png, sizeof(png), "%s/02-threads-speedup-under-load.png", dir);
    ck_assert_int_ne(access(png, F_OK), 0);
    grade_free(&g);
}
END_TEST

START_TEST(plot_without_gnuplot_fails_cleanly)
{
    struct grade g = make_grade();
    char *old = getenv("PATH") != NULL ? strdup(getenv("PATH")) : NULL;

    char *err;

    /* An empty folder as PATH: gnuplot cannot be found. */
    ck_assert_int_eq(setenv("PATH", tmpdir, 1), 0);
    stderr_away();
    ck_assert_int_eq(report_plots(&g, in_tmp("plots")), -1);
    err = stderr_back();
    if (old != NULL)
        setenv("PATH", old, 1);
    free(old);
    ck_assert_ptr_nonnull(strstr(err, "gnuplot-nox"));
    ck_assert_ptr_nonnull(strstr(err, in_tmp("plots")));
    free(err);
    grade_free(&g);
}
END_TEST

/* Each report of g into the temp folder; the JSON must parse and the XML be
 * well-formed. */
static void
write_all(const struct grade *g)
{
    json_error_t err;
    json_t *root;
    size_t len;
    char *text;

    ck_assert_int_eq(report_results_json(g, in_tmp("r.json")), 0);
    root = json_load_file(in_tmp("r.json"), 0, &err);
    ck_assert_msg(root != NULL, "r.json: %s", err.text);
    json_decref(root);
    ck_assert_int_eq(report_junit(g, in_tmp("r.xml")), 0);
    assert_well_formed_xml(in_tmp("r.xml"));
    ck_assert_int_eq(report_summary(g, in_tmp("r.md")), 0);
    text = slurp(in_tmp("r.md"), &len);
    /* GitHub's limit for a step summary. */
    ck_assert_uint_lt(len, 1024 * 1024);
    free(text);
    text = terminal_text(g, false, &len);
    free(text);
}

START_TEST(empty_grade)
{
    struct grade g;
    size_t len;
    char *out;

    memset(&g, 0, sizeof(g));
    write_all(&g);
    out = terminal_text(&g, false, &len);
    ck_assert_ptr_nonnull(strstr(out, "Total 0/0"));
    ck_assert_ptr_nonnull(strstr(out, "unknown CPU"));
    free(out);
    ck_assert_int_eq(report_plots(&g, in_tmp("plots")), 0);
}
END_TEST

START_TEST(null_strings)
{
    struct grade g;
    struct lab_result *lab;

    memset(&g, 0, sizeof(g));
    g.nlabs = 1;
    g.labs = calloc(1, sizeof(*g.labs));
    ck_assert_ptr_nonnull(g.labs);
    lab = &g.labs[0];
    lab->ntests = 2;
    lab->tests = calloc(2, sizeof(*lab->tests));
    ck_assert_ptr_nonnull(lab->tests);
    lab->tests[0].status = TEST_FAILED;
    lab->tests[0].max_score = 5;
    lab->tests[1].status = TEST_PARTIAL;
    lab->tests[1].npoints = 1;
    lab->tests[1].points = calloc(1, sizeof(*lab->tests[1].points));
    ck_assert_ptr_nonnull(lab->tests[1].points);
    lab->tests[1].points[0].threads = 1;
    lab_result_total(lab);
    write_all(&g);
    if (have_program("gnuplot"))
        ck_assert_int_eq(report_plots(&g, in_tmp("plots")), 0);
    else
        test_skipped("null_strings",
                     "gnuplot is not installed: plots of null strings not "
                     "drawn");
    grade_free(&g);
}
END_TEST

START_TEST(huge_hostile_output)
{
    struct grade g = make_grade();
    size_t n = 4 * 1024 * 1024;
    char *big = malloc(n + 1);
    unsigned state = 12345;

    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < n; i++) {
        state = state * 1103515245u + 12345u;
        big[i] = (char)((state >> 16) % 255 + 1); /* any byte but NUL */
    }
    big[n] = '\0';
    free(g.labs[0].tests[1].output);
    g.labs[0].tests[1].output = big;
    write_all(&g);
    grade_free(&g);
}
END_TEST

START_TEST(unwritable_path_fails)
{
    struct grade g = make_grade();
    char *err;

    stderr_away();
    ck_assert_int_eq(report_results_json(&g, "/nonexistent-dir/r.json"), -1);
    ck_assert_int_eq(report_junit(&g, "/nonexistent-dir/r.xml"), -1);
    ck_assert_int_eq(report_summary(&g, "/nonexistent-dir/r.md"), -1);
    ck_assert_int_eq(report_summary(&g, NULL), -1);
    ck_assert_int_eq(report_plots(&g, "/proc/no-plots-here"), -1);
    err = stderr_back();
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/r.json"));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/r.xml"));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/r.md"));
    ck_assert_ptr_nonnull(strstr(err, "/proc/no-plots-here"));
    free(err);
    grade_free(&g);
}
END_TEST

START_TEST(text_helpers)
{
    char buf[32], *slug;
    unsigned long cp;

    format_points(40, buf, sizeof(buf));
    ck_assert_str_eq(buf, "40");
    format_points(24.5, buf, sizeof(buf));
    ck_assert_str_eq(buf, "24.5");
    format_points(100.0 / 3, buf, sizeof(buf));
    ck_assert_str_eq(buf, "33.33");
    format_points(-0.0001, buf, sizeof(buf));
    ck_assert_str_eq(buf, "0");
    slug = format_slug("Speedup (4 threads)!");
    ck_assert_str_eq(slug, "speedup-4-threads");
    free(slug);
    slug = format_slug("??");
    ck_assert_str_eq(slug, "test");
    free(slug);
    slug = format_slug(NULL);
    ck_assert_str_eq(slug, "test");
    free(slug);
    ck_assert_uint_eq(text_utf8_next((const unsigned char *)"\xc3\xa9", 2, &cp),
                      2);
    ck_assert_uint_eq(cp, 0xE9);
    /* Overlong, surrogate, above U+10FFFF, truncated. */
    ck_assert_uint_eq(text_utf8_next((const unsigned char *)"\xc0\x80", 2, &cp),
                      0);
    ck_assert_uint_eq(
        text_utf8_next((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
    ck_assert_uint_eq(
        text_utf8_next((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(text_utf8_next((const unsigned char *)"\xe2\x82", 2, &cp),
                      0);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *formats = tcase_create("formats");
    TCase *robust = tcase_create("robustness");
    TCase *text = tcase_create("text");

    tcase_add_checked_fixture(formats, setup, teardown);
    tcase_add_test(formats, json_has_gradescope_fields_and_scores);
    tcase_add_test(formats, student_view_leaves_out_what_shows_later);
    tcase_add_test(formats, junit_is_well_formed_with_right_counts);
    tcase_add_test(formats, summary_has_tables_and_safe_fences);
    tcase_add_test(formats, terminal_shows_points_and_totals);
    tcase_add_test(formats, plot_makes_a_png);
    tcase_add_test(formats, plot_without_gnuplot_fails_cleanly);
    suite_add_tcase(s, formats);

    tcase_add_checked_fixture(robust, setup, teardown);
    tcase_add_test(robust, empty_grade);
    tcase_add_test(robust, null_strings);
    tcase_add_test(robust, huge_hostile_output);
    tcase_add_test(robust, unwritable_path_fails);
    suite_add_tcase(s, robust);

    tcase_add_test(text, text_helpers);
    suite_add_tcase(s, text);
    return s;
}
