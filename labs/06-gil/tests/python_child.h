/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": Python code run in a child process of the
 * test, on an interpreter of its own (the debug build, whose allocator
 * stops the program when an object is made without the GIL), with
 * kitwork (your module) and kitcheck (the tests' hooks) importable. The
 * test itself never runs Python: when your code crashes the interpreter,
 * the test is still there to say how and in which call. */
#ifndef PYTHON_CHILD_H
#define PYTHON_CHILD_H

#include <stdbool.h>

enum py_end {
    PY_RETURNED, /* the code ran to its end: text is str(result) */
    PY_RAISED,   /* it raised: text is the exception, then the traceback */
    PY_STOPPED,  /* the interpreter died: text says how, and its last words */
};

struct py_outcome {
    enum py_end end;
    /* The process stopped while a thread was in a region where your code
     * had let the GIL go. */
    bool released;
    char text[6000];
};

/* Run @p code (statements that set `result`) in a new interpreter in a
 * child process and wait for it; what the child writes to stderr is also
 * copied to the test's. */
void py_run(const char *code, struct py_outcome *out);

/* A failure message about @p what (the call the code makes, in words)
 * when @p o is not a result: what it raised, or how it stopped the
 * interpreter and why that points at the GIL. Empty for a result. */
void py_explain(const char *what, const struct py_outcome *o, char *msg,
                int len);

#endif
