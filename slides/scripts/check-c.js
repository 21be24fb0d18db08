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

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-slides-c-'));
  let compiled = 0;
  const failures = [];
  for (const deck of lib.decks()) {
    let previous = null; // the last fragment's text, for a continued one
    let macros = '';     // and its feature-test macros
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
      let text;
      let args;
      if (k === 'program') {
        text = `#line ${s.line} "slides/${deck.name}.md"\n${s.code}`;
        args = [...FLAGS, '-O2', src, '-o', path.join(dir, `snippet-${compiled}`), '-lm'];
      } else if (k === 'declarations' || k === 'continued') {
        if (k === 'continued' && previous === null) {
          failures.push(`${where}: "// fragment, continued" with no fragment before it`);
          continue;
        }
        const h = hoist(s.code);
        const own = `#line ${s.line} "slides/${deck.name}.md"\n${h.body}`;
        previous = k === 'continued' ? previous + own : own;
        macros = k === 'continued' ? macros + h.macros : h.macros;
        if (n + 1 < all.length && kind(all[n + 1].code) === 'continued') continue;
        text = macros + PRELUDE + previous;
        args = [...FLAGS, '-fsyntax-only', src];
      } else {
        const h = hoist(s.code);
        text = `${h.macros}${PRELUDE}void slide_fragment(void);\nvoid slide_fragment(void)\n{\n` +
          `#line ${s.line} "slides/${deck.name}.md"\n${h.body}}\n`;
        args = [...FLAGS, '-Wno-unused', '-fsyntax-only', src];
      }
      fs.writeFileSync(src, text);
      const r = spawnSync(CC, args, { encoding: 'utf8' });
      compiled++;
      if (r.error) {
        console.error(`check-c: cannot run ${CC}: ${r.error.message}`);
        process.exit(2);
      }
      if (r.status !== 0) {
        failures.push(`${where} (${k}) does not compile:\n${r.stderr.trim()}`);
      } else {
        console.log(`  CC      ${where} (${k})`);
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of failures) console.log(`FAIL    ${f}`);
  console.log(`check-c: ${compiled - failures.length} of ${compiled} C snippets compile`);
  process.exit(failures.length > 0 || compiled === 0 ? 1 : 0);
}

main();
