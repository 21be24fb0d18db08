/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": public tests. Each test runs a little
 * Python in an interpreter of its own, in a child process
 * (python_child.h): the debug build of CPython, which stops the program
 * when an object is made without the GIL, and counts references. What
 * the tests see of the GIL in your code comes from kit/wrap/gil.c; the
 * items and the serial reference from kit/reference.c, through the tests'
 * module kitcheck. No test measures speed: the grader's speedup test does. */
#include "kit_hidden.h"
#include "kit_sanitizer.h"
#include "python_child.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* Items of a long call: long enough that the counting loop is nearly all
 * of it, short under a sanitizer. */
#define LONG_ITEMS KIT_LONG_RUN(400000, 60000)

/* What every test's code starts with: the modules, and the three
 * functions called the same way (`every` and `callback` for the third). */
static const char prelude[] =
    "import array, sys, threading, time\n"
    "import kitcheck, kitwork\n"
    "def noop(done):\n"
    "    return [done]\n"
    "VERSIONS = {\n"
    "    'steps_held': lambda d: kitwork.steps_held(d),\n"
    "    'steps_released': lambda d: kitwork.steps_released(d),\n"
    "    'steps_callback': lambda d: kitwork.steps_callback(d, 1000, noop),\n"
    "}\n";

static const char *const versions[] = {"steps_held", "steps_released",
                                       "steps_callback"};
/* How a failure names each version's call. */
static const char *const calls[] = {"kitwork.steps_held(data)",
                                    "kitwork.steps_released(data)",
                                    "kitwork.steps_callback(data, 1000, f)"};

/* Run the prelude, then `fmt`; the code sets `result` to 'ok' or to what
 * went wrong. Fails the test with the message, or with what the code
 * raised or how the interpreter stopped, naming `what`. */
static void expect_ok(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
expect_ok(const char *what, const char *fmt, ...)
{
    static char code[16384];
    static struct py_outcome o;
    char msg[8000];
    size_t used = strlen(prelude);
    va_list ap;

    memcpy(code, prelude, used);
    va_start(ap, fmt);
    vsnprintf(code + used, sizeof(code) - used, fmt, ap);
    va_end(ap);
    py_run(code, &o);
    if (o.end != PY_RETURNED) {
        py_explain(what, &o, msg, sizeof(msg));
        ck_abort_msg("%s", msg);
    }
    ck_assert_msg(strcmp(o.text, "ok") == 0, "%s", o.text);
}

/* ---- results: every version against the kit's serial reference ---- */

/* Sizes in items from none to many (an odd count on purpose), as four
 * shapes of buffer. */
START_TEST(each_version_matches_the_reference)
{
    const char *v = versions[_i];

    expect_ok(
        calls[_i],
        "result = 'ok'\n"
        "for n in (0, 1, 7, 1000, 100003):\n"
        "    data = kitcheck.items(n, n)\n"
        "    want = kitcheck.reference(data)\n"
        "    shapes = [('bytearray', data), ('bytes', bytes(data)),\n"
        "              ('array.array(\"I\")', array.array('I', bytes(data))),\n"
        "              ('a memoryview starting at an odd byte',\n"
        "               memoryview(b'x' + bytes(data))[1:])]\n"
        "    for shape, d in shapes:\n"
        "        got = VERSIONS['%s'](d)\n"
        "        if type(got) is not int or got != want:\n"
        "            result = (f'%s with data = {shape} of {n} items '\n"
        "                      f'returned {got!r}; the kit\\'s serial '\n"
        "                      f'reference counts {want} steps')\n"
        "            break\n"
        "    if result != 'ok':\n"
        "        break\n",
        v, v);
}
END_TEST

/* Every `every` through a buffer of 10007 items, from 1 to more than the
 * items: the count, and the callback's calls, in order. */
START_TEST(callback_is_called_after_every_run_of_items)
{
    expect_ok(
        "kitwork.steps_callback",
        "n = 10007\n"
        "data = kitcheck.items(n, 9)\n"
        "want = kitcheck.reference(data)\n"
        "result = 'ok'\n"
        "for every in (1, 7, 1000, 10007, 20000):\n"
        "    seen = []\n"
        "    got = kitwork.steps_callback(data, every, seen.append)\n"
        "    expect = list(range(every, n, every)) + [n]\n"
        "    if got != want:\n"
        "        result = (f'kitwork.steps_callback(data, {every}, f) '\n"
        "                  f'returned {got!r} for {n} items; the kit\\'s '\n"
        "                  f'serial reference counts {want} steps')\n"
        "    elif seen != expect:\n"
        "        result = (f'kitwork.steps_callback(data, {every}, f) '\n"
        "                  f'over {n} items called f {len(seen)} times, '\n"
        "                  f'with {seen[:6]}...; expected {len(expect)} '\n"
        "                  f'calls with {expect[:6]}...: the items done '\n"
        "                  f'so far, after every {every} and at the end')\n"
        "    if result != 'ok':\n"
        "        break\n");
}
END_TEST

/* 1 to 4 Python threads, each calling the version on its own, unequal
 * part of the buffer. */
START_TEST(threads_match_the_reference)
{
    const char *v = versions[_i];

    expect_ok(
        calls[_i],
        "data = kitcheck.items(200003, 11)\n"
        "view = memoryview(data)\n"
        "n = 200003\n"
        "result = 'ok'\n"
        "for p in (1, 2, 3, 4):\n"
        "    cuts = [0] + [n * (i * i + i) // (p * p + p) for i in "
        "range(1, p)] + [n]\n"
        "    parts, errors = [None] * p, [None] * p\n"
        "    def work(i):\n"
        "        try:\n"
        "            parts[i] = VERSIONS['%s'](view[cuts[i] * 4:"
        "cuts[i + 1] * 4])\n"
        "        except BaseException as e:\n"
        "            errors[i] = e\n"
        "    ts = [threading.Thread(target=work, args=(i,)) for i in "
        "range(p)]\n"
        "    for t in ts: t.start()\n"
        "    for t in ts: t.join()\n"
        "    for e in errors:\n"
        "        if e is not None: raise e\n"
        "    for i in range(p):\n"
        "        want = kitcheck.reference(view[cuts[i] * 4:cuts[i + 1] * "
        "4])\n"
        "        if parts[i] != want:\n"
        "            result = (f'%s on {p} Python threads at once: thread '\n"
        "                      f'{i}, over items {cuts[i]} to {cuts[i + 1]}, "
        "'\n"
        "                      f'got {parts[i]!r}; the kit\\'s serial '\n"
        "                      f'reference counts {want} steps. Code that '\n"
        "                      f'runs without the GIL must keep its data to '\n"
        "                      f'itself: no static or global variable '\n"
        "                      f'shared by the threads')\n"
        "            break\n"
        "    if result != 'ok':\n"
        "        break\n",
        v, v);
}
END_TEST

/* ---- the GIL: held, let go, taken back ---- */

START_TEST(held_keeps_the_gil)
{
    expect_ok("kitwork.steps_held(data)",
              "data = kitcheck.items(%d, 3)\n"
              "kitcheck.reset()\n"
              "kitwork.steps_held(data)\n"
              "s = kitcheck.stats()\n"
              "result = 'ok' if s['releases'] == 0 else (\n"
              "    f'kitwork.steps_held(data) let the GIL go '\n"
              "    f'{s[\"releases\"]} time(s): it must hold it from start '\n"
              "    f'to end, so that Python threads calling it take turns '\n"
              "    f'(the version the others are measured against)')\n",
              LONG_ITEMS);
}
END_TEST

/* The share of a call's time that its let-go regions must cover: the
 * counting loop is nearly all of a long call. */
#define LOOP_SHARE 0.5

START_TEST(released_counts_without_the_gil)
{
    expect_ok(
        "kitwork.steps_released(data)",
        "data = kitcheck.items(%d, 4)\n"
        "kitcheck.reset(data)\n"
        "t0 = time.perf_counter_ns()\n"
        "kitwork.steps_released(data)\n"
        "took = time.perf_counter_ns() - t0\n"
        "s = kitcheck.stats()\n"
        "share = s['released_ns'] / took\n"
        "if s['releases'] == 0:\n"
        "    result = ('kitwork.steps_released(data) never let the GIL go: '\n"
        "              'put Py_BEGIN_ALLOW_THREADS before the counting loop '\n"
        "              'and Py_END_ALLOW_THREADS after it')\n"
        "elif share < %g:\n"
        "    result = (f'kitwork.steps_released(data) let the GIL go for '\n"
        "              f'only {share:.0%%} of its {took / 1e6:.1f} ms: the '\n"
        "              f'counting loop must run while it is let go')\n"
        "elif s['probe_exports_min'] < 1:\n"
        "    result = ('kitwork.steps_released(data) let the GIL go while '\n"
        "              'it held no buffer of data: another thread could '\n"
        "              'then resize or free the bytearray under the loop. '\n"
        "              'Get the buffer with PyObject_GetBuffer (or \"y*\") '\n"
        "              'and release it only after Py_END_ALLOW_THREADS')\n"
        "else:\n"
        "    result = 'ok'\n",
        LONG_ITEMS, LOOP_SHARE);
}
END_TEST

START_TEST(callback_takes_the_gil_back_for_each_call)
{
    expect_ok(
        "kitwork.steps_callback(data, every, kitcheck.hook)",
        "n = %d\n"
        "every = n // 8 + 1\n"
        "data = kitcheck.items(n, 5)\n"
        "kitcheck.reset(data)\n"
        "t0 = time.perf_counter_ns()\n"
        "kitwork.steps_callback(data, every, kitcheck.hook)\n"
        "took = time.perf_counter_ns() - t0\n"
        "s, calls = kitcheck.stats(), kitcheck.hook_calls()\n"
        "without = [done for done, gil, let_go in calls if not gil or "
        "let_go]\n"
        "if without:\n"
        "    result = (f'kitwork.steps_callback called the callback without '\n"
        "              f'the GIL (after {without[0]} items): take it back '\n"
        "              f'(Py_END_ALLOW_THREADS, or PyGILState_Ensure) '\n"
        "              f'before each call, and let it go again after')\n"
        "elif len(calls) != 8:\n"
        "    result = (f'kitwork.steps_callback(data, {every}, f) over {n} '\n"
        "              f'items called f {len(calls)} times; expected 8')\n"
        "elif s['releases'] == 0 or s['released_ns'] / took < %g:\n"
        "    result = (f'kitwork.steps_callback let the GIL go for '\n"
        "              f'{s[\"released_ns\"] / took:.0%%} of its '\n"
        "              f'{took / 1e6:.1f} ms: between the callbacks the '\n"
        "              f'counting must run without it')\n"
        "elif s['probe_exports_min'] < 1:\n"
        "    result = ('kitwork.steps_callback let the GIL go while it held '\n"
        "              'no buffer of data: hold it (PyObject_GetBuffer) '\n"
        "              'until the last item is counted')\n"
        "else:\n"
        "    result = 'ok'\n",
        LONG_ITEMS, LOOP_SHARE);
}
END_TEST

/* ---- references and buffers: nothing kept after a call ---- */

/* Each function's calls that must leave no reference and no buffer
 * behind, by the path they take: (what the message calls it, its data,
 * the call), as Python. */
static const char *const leak_paths[] = {
    "[('kitwork.steps_held(data)', 'kitcheck.items(500, 6)',\n"
    "  'kitwork.steps_held(data)'),\n"
    " ('kitwork.steps_held(data) of 3 bytes (a ValueError)',\n"
    "  'bytearray(3)', 'kitwork.steps_held(data)')]\n",
    "[('kitwork.steps_released(data)', 'kitcheck.items(500, 6)',\n"
    "  'kitwork.steps_released(data)'),\n"
    " ('kitwork.steps_released(data) of 3 bytes (a ValueError)',\n"
    "  'bytearray(3)', 'kitwork.steps_released(data)')]\n",
    "[('kitwork.steps_callback(data, 50, noop)', 'kitcheck.items(500, 6)',\n"
    "  'kitwork.steps_callback(data, 50, noop)'),\n"
    " ('kitwork.steps_callback(data, 1, noop) of 3 bytes (a ValueError)',\n"
    "  'bytearray(3)', 'kitwork.steps_callback(data, 1, noop)'),\n"
    " ('kitwork.steps_callback(data, 0, noop) (a ValueError)',\n"
    "  'kitcheck.items(500, 6)', 'kitwork.steps_callback(data, 0, noop)'),\n"
    " ('kitwork.steps_callback(data, 10, 5) (a TypeError)',\n"
    "  'kitcheck.items(500, 6)', 'kitwork.steps_callback(data, 10, 5)'),\n"
    " ('kitwork.steps_callback(data, 10, stop) (stop raises)',\n"
    "  'kitcheck.items(500, 6)', 'kitwork.steps_callback(data, 10, stop)')]\n",
};

/* Each path called 400 times: sys.gettotalrefcount() stays flat, and the
 * bytearray can be resized after. */
START_TEST(calls_keep_nothing)
{
    expect_ok(
        calls[_i],
        "def stop(done):\n"
        "    if done > 30: raise KeyError(done)\n"
        "PATHS = %s"
        "result = 'ok'\n"
        "for what, data_source, call_source in PATHS:\n"
        "    data = eval(data_source)\n"
        "    code = compile(call_source, what, 'eval')\n"
        "    def call():\n"
        "        try:\n"
        "            eval(code)\n"
        "        except (TypeError, ValueError, KeyError):\n"
        "            pass\n"
        "    for _ in range(20): call()\n"
        "    before = sys.gettotalrefcount()\n"
        "    for _ in range(400): call()\n"
        "    grew = sys.gettotalrefcount() - before\n"
        "    if grew >= 200:\n"
        "        result = (\n"
        "            f'{what} keeps {grew / 400:.1f} reference(s) per '\n"
        "            f'call: sys.gettotalrefcount() grew by {grew} over '\n"
        "            f'400 calls. Every new reference you get (a '\n"
        "            f'call\\'s result, an object you make) needs its '\n"
        "            f'Py_DECREF once you are done with it, on every '\n"
        "            f'path')\n"
        "        break\n"
        "    try:\n"
        "        data.append(0)\n"
        "    except BufferError:\n"
        "        result = (f'after {what} returned, its bytearray '\n"
        "                  f'could not be resized: the buffer it handed '\n"
        "                  f'out was never let go. Call PyBuffer_Release '\n"
        "                  f'once you are done with it, on every path, '\n"
        "                  f'the error paths too')\n"
        "        break\n",
        leak_paths[_i]);
}
END_TEST

/* ---- errors: bad arguments raise, never crash ---- */

/* Each function's bad calls, and the exception each must raise, as
 * Python. */
static const char *const bad_calls[] = {
    "[(\"kitwork.steps_held(5)\", TypeError),\n"
    " (\"kitwork.steps_held('text')\", TypeError),\n"
    " (\"kitwork.steps_held(b'abc')\", ValueError)]\n",
    "[(\"kitwork.steps_released(None)\", TypeError),\n"
    " (\"kitwork.steps_released(b'abcde')\", ValueError)]\n",
    "[(\"kitwork.steps_callback(b'abcd', 1, print, 4)\", TypeError),\n"
    " (\"kitwork.steps_callback(5, 1, print)\", TypeError),\n"
    " (\"kitwork.steps_callback(b'abcdef', 1, print)\", ValueError),\n"
    " (\"kitwork.steps_callback(b'abcd', 0, print)\", ValueError),\n"
    " (\"kitwork.steps_callback(b'abcd', -3, print)\", ValueError),\n"
    " (\"kitwork.steps_callback(b'abcd', 'x', print)\", TypeError),\n"
    " (\"kitwork.steps_callback(b'abcd', 1, 5)\", TypeError)]\n",
};

START_TEST(bad_arguments_raise)
{
    expect_ok(
        calls[_i],
        "BAD = %s"
        "result = 'ok'\n"
        "for call, want in BAD:\n"
        "    try:\n"
        "        eval(call)\n"
        "        result = f'{call} returned; expected it to raise '\n"
        "        result += want.__name__\n"
        "    except want as e:\n"
        "        if not str(e):\n"
        "            result = (f'{call} raised {want.__name__} with no '\n"
        "                      f'message: say what was wrong')\n"
        "    except Exception as e:\n"
        "        result = (f'{call} raised {type(e).__name__}: {e}; '\n"
        "                  f'expected {want.__name__}')\n"
        "    if result != 'ok':\n"
        "        break\n",
        bad_calls[_i]);
}
END_TEST

START_TEST(callback_exception_stops_the_count)
{
    expect_ok(
        "kitwork.steps_callback(data, 100, stop_at_3)",
        "data = kitcheck.items(10000, 8)\n"
        "calls = []\n"
        "def stop_at_3(done):\n"
        "    calls.append(done)\n"
        "    if len(calls) == 3: raise KeyError('stop')\n"
        "try:\n"
        "    got = kitwork.steps_callback(data, 100, stop_at_3)\n"
        "    result = (f'kitwork.steps_callback returned {got!r} although '\n"
        "              f'its callback raised KeyError: the exception must '\n"
        "              f'be the function\\'s (return NULL with it still '\n"
        "              f'set)')\n"
        "except KeyError as e:\n"
        "    if e.args != ('stop',):\n"
        "        result = f'the KeyError raised was {e!r}, not the "
        "callback\\'s'\n"
        "    elif calls != [100, 200, 300]:\n"
        "        result = (f'after its callback raised, '\n"
        "                  f'kitwork.steps_callback went on calling it: '\n"
        "                  f'{calls}; stop at the first exception')\n"
        "    else:\n"
        "        result = 'ok'\n");
}
END_TEST

static Suite *
gil_suite(void)
{
    Suite *s = suite_create("06-gil");
    TCase *results = tcase_create("results");
    TCase *gil = tcase_create("gil");
    TCase *references = tcase_create("references");
    TCase *errors = tcase_create("errors");

    /* An interpreter per test, and some long calls under a sanitizer. */
    tcase_set_timeout(results, 60);
    tcase_set_timeout(gil, 60);
    tcase_set_timeout(references, 60);
    tcase_add_loop_test(results, each_version_matches_the_reference, 0,
                        COUNT(versions));
    tcase_add_test(results, callback_is_called_after_every_run_of_items);
    tcase_add_loop_test(results, threads_match_the_reference, 0,
                        COUNT(versions));
    tcase_add_test(gil, held_keeps_the_gil);
    tcase_add_test(gil, released_counts_without_the_gil);
    tcase_add_test(gil, callback_takes_the_gil_back_for_each_call);
    tcase_add_loop_test(references, calls_keep_nothing, 0, COUNT(leak_paths));
    tcase_add_loop_test(errors, bad_arguments_raise, 0, COUNT(bad_calls));
    tcase_add_test(errors, callback_exception_stops_the_count);
    suite_add_tcase(s, results);
    suite_add_tcase(s, gil);
    suite_add_tcase(s, references);
    suite_add_tcase(s, errors);
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    kit_sanitizer_options_forget();
    runner = srunner_create(gil_suite());
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
