// SPDX-License-Identifier: MIT
// `make test-slides`, the compiler's half: every ```c block of every deck
// must compile with the kit's flags. A block with a main() is a whole
// program: compiled and linked. A block whose first line is
//     // fragment
// holds declarations and definitions: compiled after the usual headers. A
// block whose first line is
//     // fragment of a function
// holds statements: compiled inside a function body, after the usual
// headers. A block whose first line is
//     // fragment, continued
// continues the deck's previous fragment: the two are compiled together
// (declarations). Any other block is an error, so that no snippet goes
// unchecked. A fragment may start (after its marker) with feature-test
// macros such as `#define _DEFAULT_SOURCE`; they go before the headers.
// A fragment that a continued one follows is compiled only with it.
//
// A program that the deck says prints something carries the claim in
// lines of its own, each a whole-line comment:
//     // expect: /REGEX/
//     // expect: /REGEX/ OP NUMBER      (OP one of < <= == != >= >)
//     // expect: exit N                 (the exit status; 0 if not given)
//     // expect: in one of N runs       (for a race; one run if not given)
// The program is then run, for at most 10 s a run, with no input. Each
// /REGEX/ (JavaScript syntax) must match a line of its output, in the
// order written: each after the line the one before it matched. With OP
// NUMBER, the first group of the regular expression, read as a number,
// must compare so in the first line after that which matches. A run
// passes when every line matches and the status is right; "in one of N
// runs" runs the program up to N times and passes at the first run that
// does, so a race that shows only now and then is checked and the check
// can still fail. A fragment with its continued blocks is a program when
// they define main() between them; `expect` lines anywhere in it make
// it linked and run like one. `expect` in any other fragment is an error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const lib = require('./lib');

const CC = process.env.CC || 'cc';
// The headers of the libraries the decks show code of, where pkg-config
// knows them (Python's C API in deck 08, MPI's in deck 09): `#include
// <Python.h>` then compiles as in a lab.
const LIBRARY_FLAGS = ['python3', 'ompi-c'].flatMap((m) => {
  const r = spawnSync('pkg-config', ['--cflags', m], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : [];
});
const FLAGS = ['-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra', '-Werror', '-pthread',
  ...LIBRARY_FLAGS];
const RUN_TIMEOUT_MS = 10000;

// What a fragment may use without including it.
const PRELUDE = [
  'errno.h', 'fcntl.h', 'pthread.h', 'stdatomic.h', 'stdbool.h', 'stddef.h', 'stdint.h',
  'stdio.h', 'stdlib.h', 'string.h', 'sys/mman.h', 'sys/types.h', 'sys/wait.h', 'time.h',
  'unistd.h',
].map((h) => `#include <${h}>`).join('\n') + '\n';

function snippets(deck) {
  const out = [];
  const lines = deck.source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```c\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    out.push({ line: start + 1, code: lines.slice(start, j).join('\n') + '\n' });
    i = j;
  }
  return out;
}

function kind(code) {
  const first = code.split('\n')[0].trim();
  if (first === '// fragment of a function') return 'statements';
  if (first === '// fragment') return 'declarations';
  if (first === '// fragment, continued') return 'continued';
  if (/\bmain\s*\(/.test(code)) return 'program';
  return null;
}

// Leading feature-test macros of a fragment, moved before the headers;
// blank lines keep the fragment's line numbers.
function hoist(code) {
  const lines = code.split('\n');
  const macros = [];
  for (let i = 1; i < lines.length && /^#define _[A-Z0-9_]*SOURCE\b/.test(lines[i]); i++) {
    macros.push(lines[i]);
    lines[i] = '';
  }
  return { macros: macros.map((m) => m + '\n').join(''), body: lines.join('\n') };
}

// The `// expect:` lines of a block that starts at deck line `line`, into
// `claim` (a fresh one when null): { checks, runs, exit, where }. Errors
// go to `errors`.
function expectations(code, line, where, claim, errors) {
  const c = claim || { checks: [], runs: null, exit: null, at: null };
  code.split('\n').forEach((text, i) => {
    const m = /^\s*\/\/\s*expect:\s*(.*?)\s*$/.exec(text);
    if (!m) return;
    const at = `${where.replace(/:\d+$/, '')}:${line + i}`;
    if (c.at === null) c.at = at;
    const spec = m[1];
    let r;
    if ((r = /^exit (\d+)$/.exec(spec))) {
      c.exit = Number(r[1]);
    } else if ((r = /^in one of (\d+) runs$/.exec(spec))) {
      c.runs = Number(r[1]);
    } else if ((r = /^\/(.+)\/([a-z]*)(?:\s+(<=|>=|==|!=|<|>)\s+(-?\d+(?:\.\d+)?))?$/.exec(spec))) {
      let re;
      try {
        re = new RegExp(r[1], r[2]);
      } catch (err) {
        errors.push(`${at}: bad regular expression in "// expect:": ${err.message}`);
        return;
      }
      if (r[3] && !/\((?!\?)/.test(r[1])) {
        errors.push(`${at}: "// expect: /.../ ${r[3]} ${r[4]}" needs a group in the regular expression`);
        return;
      }
      c.checks.push({ text: spec, re, op: r[3] || null, value: r[4] === undefined ? null : Number(r[4]) });
    } else {
      errors.push(`${at}: "// expect: ${spec}" is none of /REGEX/, /REGEX/ OP NUMBER, ` +
        'exit N, in one of N runs');
    }
  });
  return c;
}

function hasClaim(c) {
  return c !== null && c.at !== null;
}

function compare(x, op, y) {
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '==': return x === y;
    case '!=': return x !== y;
    case '>=': return x >= y;
    default: return x > y;
  }
}

// Why one run's output and status fall short of the claim, or null.
function shortfall(claim, r) {
  if (r.error && r.error.code === 'ETIMEDOUT') return `still running after ${RUN_TIMEOUT_MS / 1000} s`;
  if (r.error) return `cannot run: ${r.error.message}`;
  if (r.signal) return `killed by ${r.signal}`;
  const want = claim.exit === null ? 0 : claim.exit;
  if (r.status !== want) return `exited with ${r.status}, expected ${want}`;
  const lines = r.stdout.split('\n');
  let from = 0;
  for (const check of claim.checks) {
    let i = from;
    while (i < lines.length && !check.re.test(lines[i])) i++;
    if (i === lines.length) {
      return `no line matching ${check.re}` + (from > 0 ? ` after line ${from}` : '');
    }
    if (check.op !== null) {
      const got = Number(check.re.exec(lines[i])[1]);
      if (!compare(got, check.op, check.value)) {
        return `line ${i + 1} "${lines[i]}": ${got} is not ${check.op} ${check.value}`;
      }
    }
    from = i + 1;
  }
  return null;
}

// Runs `exe` until a run meets the claim, at most claim.runs times.
function run(exe, claim, dir) {
  const tries = claim.runs === null ? 1 : claim.runs;
  let why = null;
  let out = '';
  for (let n = 1; n <= tries; n++) {
    const r = spawnSync(exe, [], {
      cwd: dir, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20,
    });
    why = shortfall(claim, r);
    if (why === null) return { ok: true, runs: n };
    out = (r.stdout || '').trim().split('\n').slice(0, 8).join('\n');
  }
  return { ok: false, runs: tries, why, out };
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-slides-c-'));
  let compiled = 0;
  let ran = 0;
  const failures = [];
  for (const deck of lib.decks()) {
    let previous = null; // the last fragment's text, for a continued one
    let macros = '';     // and its feature-test macros
    let claim = null;    // and the `expect` lines of its blocks
    let chainWhere = '';
    const all = snippets(deck);
    for (let n = 0; n < all.length; n++) {
      const s = all[n];
      const where = `slides/${deck.name}.md:${s.line}`;
      const k = kind(s.code);
      if (k === null) {
        failures.push(`${where}: neither a whole program (no main) nor marked ` +
          '"// fragment" or "// fragment of a function" on its first line');
        continue;
      }
      const src = path.join(dir, `snippet-${compiled}.c`);
      const exe = path.join(dir, `snippet-${compiled}`);
      let text;
      let args;
      let runClaim = null;
      if (k === 'program') {
        text = `#line ${s.line} "slides/${deck.name}.md"\n${s.code}`;
        args = [...FLAGS, '-O2', src, '-o', exe, '-lm'];
        const c = expectations(s.code, s.line, where, null, failures);
        if (hasClaim(c)) runClaim = c;
      } else if (k === 'declarations' || k === 'continued') {
        if (k === 'continued' && previous === null) {
          failures.push(`${where}: "// fragment, continued" with no fragment before it`);
          continue;
        }
        const h = hoist(s.code);
        const own = `#line ${s.line} "slides/${deck.name}.md"\n${h.body}`;
        previous = k === 'continued' ? previous + own : own;
        macros = k === 'continued' ? macros + h.macros : h.macros;
        claim = expectations(s.code, s.line, where, k === 'continued' ? claim : null, failures);
        if (k === 'declarations') chainWhere = where;
        if (n + 1 < all.length && kind(all[n + 1].code) === 'continued') continue;
        text = macros + PRELUDE + previous;
        if (hasClaim(claim)) {
          if (!/^[^/\n]*\bmain\s*\(/m.test(previous)) {
            failures.push(`${claim.at}: "// expect:" in a fragment that defines no main()`);
            continue;
          }
          args = [...FLAGS, '-O2', src, '-o', exe, '-lm'];
          runClaim = claim;
        } else {
          args = [...FLAGS, '-fsyntax-only', src];
        }
      } else {
        const c = expectations(s.code, s.line, where, null, failures);
        if (hasClaim(c)) {
          failures.push(`${c.at}: "// expect:" in a fragment of a function, which is never run`);
          continue;
        }
        const h = hoist(s.code);
        text = `${h.macros}${PRELUDE}void slide_fragment(void);\nvoid slide_fragment(void)\n{\n` +
          `#line ${s.line} "slides/${deck.name}.md"\n${h.body}}\n`;
        args = [...FLAGS, '-Wno-unused', '-fsyntax-only', src];
      }
      const label = k === 'continued' ? `${chainWhere} to ${s.line}` : where;
      const what = runClaim !== null && k !== 'program' ? 'program, from fragments' : k;
      fs.writeFileSync(src, text);
      const r = spawnSync(CC, args, { encoding: 'utf8' });
      compiled++;
      if (r.error) {
        console.error(`check-c: cannot run ${CC}: ${r.error.message}`);
        process.exit(2);
      }
      if (r.status !== 0) {
        failures.push(`${where} (${k}) does not compile:\n${r.stderr.trim()}`);
        continue;
      }
      console.log(`  CC      ${label} (${what})`);
      if (runClaim === null) continue;
      ran++;
      const res = run(exe, runClaim, dir);
      const runs = runClaim.runs === null ? '' : ` (run ${res.runs} of at most ${runClaim.runs})`;
      if (res.ok) {
        console.log(`  RUN     ${label}: its "// expect:" lines hold${runs}`);
      } else {
        failures.push(`${runClaim.at}: the program of ${label} does not do what its "// expect:" ` +
          `lines say, in ${res.runs} run(s): ${res.why}` + (res.out ? `\n${res.out}` : ''));
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of failures) console.log(`FAIL    ${f}`);
  console.log(`check-c: ${compiled} C snippets compiled, ${ran} programs run; ` +
    `${failures.length} failure(s)`);
  process.exit(failures.length > 0 || compiled === 0 ? 1 : 0);
}

main();
