/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the child interpreter (python_child.h). */
#define _GNU_SOURCE /* prctl's PR_SET_PDEATHSIG */
#include "python_child.h"
#include "gil.h"
#include "kit_sanitizer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

PyMODINIT_FUNC PyInit_kitcheck(void);

/* The child's report on its pipe: one letter, then text. R: result, E:
 * exception, X: the interpreter did not start; G alone, first: it is
 * stopping on a signal inside a let-go region. */
static int report_fd = -1;

static void
write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void
on_fatal_signal(int sig)
{
    if (gil_released_here())
        write_all(report_fd, "G", 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* str() of an object, or of what went wrong making it. */
static void
send_text(char kind, PyObject *text)
{
    const char *s = text != NULL ? PyUnicode_AsUTF8(text) : NULL;

    write_all(report_fd, &kind, 1);
    if (s == NULL) {
        PyErr_Clear();
        s = "(the value could not be turned into text)";
    }
    write_all(report_fd, s, strlen(s));
}

static void
send_exception(void)
{
    PyObject *type, *value, *tb, *text = NULL;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    PyObject *mod = PyImport_ImportModule("traceback");
    if (mod != NULL && value != NULL) {
        /* The exception's own line first, then where it came from. */
        PyObject *only =
            PyObject_CallMethod(mod, "format_exception_only", "O", value);
        PyObject *full =
            PyObject_CallMethod(mod, "format_exception", "O", value);
        if (only != NULL && full != NULL) {
            PyObject *empty = PyUnicode_FromString("");
            PyObject *a = PyUnicode_Join(empty, only);
            PyObject *lines =
                a != NULL ? PyObject_CallMethod(a, "splitlines", NULL) : NULL;
            PyObject *b = PyUnicode_Join(empty, full);
            /* A SyntaxError's lines end with the one that names it. */
            if (lines != NULL && b != NULL && PyList_GET_SIZE(lines) > 0)
                text = PyUnicode_FromFormat(
                    "%U\n%U",
                    PyList_GET_ITEM(lines, PyList_GET_SIZE(lines) - 1), b);
            Py_XDECREF(a);
            Py_XDECREF(lines);
            Py_XDECREF(b);
            Py_XDECREF(empty);
        }
        Py_XDECREF(only);
        Py_XDECREF(full);
    }
    Py_XDECREF(mod);
    send_text('E', text);
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

static _Noreturn void
child(const char *code)
{
    PyConfig config;
    PyStatus status;

    /* Nothing of the test's own may outlive it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Python's fatal errors abort; a sanitizer handles the faults it
     * watches for, and prints its own report. */
    signal(SIGABRT, on_fatal_signal);
    if (!KIT_SANITIZED) {
        signal(SIGSEGV, on_fatal_signal);
        signal(SIGBUS, on_fatal_signal);
    }
    if (PyImport_AppendInittab("kitwork", PyInit_kitwork) != 0 ||
        PyImport_AppendInittab("kitcheck", PyInit_kitcheck) != 0) {
        write_all(report_fd, "Xno room for the modules", 24);
        _exit(1);
    }
    /* Isolated: no environment variable, user site or current folder
     * changes what the interpreter does. */
    PyConfig_InitIsolatedConfig(&config);
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        const char *m = status.err_msg != NULL ? status.err_msg : "?";
        write_all(report_fd, "X", 1);
        write_all(report_fd, m, strlen(m));
        _exit(1);
    }
    PyObject *main_module = PyImport_AddModule("__main__");
    PyObject *globals = PyModule_GetDict(main_module);
    PyObject *r = PyRun_String(code, Py_file_input, globals, globals);
    if (r == NULL) {
        send_exception();
    } else {
        Py_DECREF(r);
        PyObject *result = PyDict_GetItemString(globals, "result");
        PyObject *text = result != NULL
                             ? PyObject_Str(result)
                             : PyUnicode_FromString("(the code set no result)");
        send_text('R', text);
        Py_XDECREF(text);
    }
    fflush(stdout);
    fflush(stderr);
    /* No Py_Finalize and no exit handlers: what the interpreter still
     * holds is its own, not a leak of your code's. */
    _exit(0);
}

/* The last `keep` bytes of what the child wrote to stderr. */
struct tail {
    char text[2048];
    size_t len;
};

static void
tail_add(struct tail *t, const char *s, size_t n)
{
    size_t room = sizeof(t->text) - 1;

    if (n >= room) {
        memcpy(t->text, s + n - room, room);
        t->len = room;
    } else {
        if (t->len + n > room) {
            size_t drop = t->len + n - room;
            memmove(t->text, t->text + drop, t->len - drop);
            t->len -= drop;
        }
        memcpy(t->text + t->len, s, n);
        t->len += n;
    }
    t->text[t->len] = '\0';
}

void
py_run(const char *code, struct py_outcome *out)
{
    int rep[2], err[2], status;
    char report[sizeof(out->text) + 2];
    size_t rlen = 0;
    struct tail tail = {.len = 0};
    pid_t pid;

    memset(out, 0, sizeof(*out));
    out->end = PY_STOPPED;
    fflush(stdout);
    fflush(stderr);
    if (pipe(rep) != 0 || pipe(err) != 0) {
        snprintf(out->text, sizeof(out->text),
                 "the test could not make a "
                 "pipe");
        return;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(out->text, sizeof(out->text), "the test could not fork: %s",
                 strerror(errno));
        return;
    }
    if (pid == 0) {
        close(rep[0]);
        close(err[0]);
        report_fd = rep[1];
        dup2(err[1], 2);
        close(err[1]);
        child(code);
    }
    close(rep[1]);
    close(err[1]);
    struct pollfd fds[2] = {{.fd = rep[0], .events = POLLIN},
                            {.fd = err[0], .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            char buf[4096];
            ssize_t n;
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            n = read(fds[i].fd, buf, sizeof(buf));
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 1) {
                write_all(2, buf, (size_t)n);
                tail_add(&tail, buf, (size_t)n);
            } else {
                size_t take = sizeof(report) - 1 - rlen;
                take = (size_t)n < take ? (size_t)n : take;
                memcpy(report + rlen, buf, take);
                rlen += take;
            }
        }
    }
    report[rlen] = '\0';
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    const char *r = report;
    if (*r == 'G') {
        out->released = true;
        r++;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        (*r == 'R' || *r == 'E')) {
        out->end = *r == 'R' ? PY_RETURNED : PY_RAISED;
        snprintf(out->text, sizeof(out->text), "%s", r + 1);
        return;
    }
    char how[200];
    if (*r == 'X')
        snprintf(how, sizeof(how), "the interpreter did not start (%s)", r + 1);
    else if (WIFSIGNALED(status))
        snprintf(how, sizeof(how), "it was killed by signal %d (%s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(how, sizeof(how), "it exited with status %d",
                 WEXITSTATUS(status));
    snprintf(out->text, sizeof(out->text), "%s; its last words: %s", how,
             tail.len > 0 ? tail.text : "(none)");
}

/* The interpreter's message that says most: the line of a fatal error. */
static void
last_words(const char *text, char *out, size_t len)
{
    const char *fatal = strstr(text, "Fatal Python error: ");
    const char *words = strstr(text, "its last words: ");

    if (fatal != NULL) {
        size_t n = strcspn(fatal, "\n");
        snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), fatal);
    } else if (words != NULL) {
        snprintf(out, len, "%.*s", (int)len - 1,
                 words + strlen("its last words: "));
    } else {
        snprintf(out, len, "%.*s", (int)len - 1, text);
    }
}

void
py_explain(const char *what, const struct py_outcome *o, char *msg, int len)
{
    char words[1200];

    msg[0] = '\0';
    if (o->end == PY_RETURNED)
        return;
    if (o->end == PY_RAISED) {
        size_t n = strcspn(o->text, "\n");
        snprintf(msg, (size_t)len, "%s raised %.*s", what, (int)n, o->text);
        return;
    }
    last_words(o->text, words, sizeof(words));
    if (o->released)
        snprintf(msg, (size_t)len,
                 "%s stopped the interpreter while the GIL was let go by "
                 "kitwork code: between Py_BEGIN_ALLOW_THREADS and "
                 "Py_END_ALLOW_THREADS it used Python (made or changed an "
                 "object, set an exception, called a function), which needs "
                 "the GIL. Take the GIL back first (Py_END_ALLOW_THREADS, "
                 "or PyGILState_Ensure). The interpreter said: %s",
                 what, words);
    else
        snprintf(msg, (size_t)len,
                 "%s stopped the interpreter (%.*s). The interpreter said: %s",
                 what, (int)strcspn(o->text, ";"), o->text, words);
}
