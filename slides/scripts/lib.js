// SPDX-License-Identifier: MIT
// Shared by the slides' scripts: where the kit, the build folder and the
// pinned npm packages are, and how a deck's source is read.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const KIT = path.resolve(__dirname, '..', '..');
const SLIDES = path.join(KIT, 'slides');
const BUILD = path.resolve(process.env.BUILD || path.join(KIT, 'build'));
const OUT = path.join(BUILD, 'slides');
const PLOTS = path.join(BUILD, 'plots');
// `make slides` runs `npm ci` on slides/package-lock.json in this folder.
const TOOL = path.resolve(process.env.SLIDES_TOOL || path.join(BUILD, 'slides-tool'));

// require() from the pinned packages, wherever this script is run from.
function toolRequire(name) {
  try {
    return createRequire(path.join(TOOL, 'package.json'))(name);
  } catch (err) {
    if (err.code === 'MODULE_NOT_FOUND') {
      console.error(`slides: cannot load ${name} from ${TOOL}/node_modules; ` +
        'run `make slides`, which installs the pinned packages there');
      process.exit(2);
    }
    throw err;
  }
}

// The decks: slides/NN-name.md, in order.
function decks() {
  return fs.readdirSync(SLIDES)
    .filter((f) => /^\d\d-[a-z0-9-]+\.md$/.test(f))
    .sort()
    .map((f) => ({
      name: f.replace(/\.md$/, ''),
      file: path.join(SLIDES, f),
      source: fs.readFileSync(path.join(SLIDES, f), 'utf8'),
    }));
}

// The deck's front matter as key: value pairs (flat YAML, which is all the
// decks use: title, description, and Marp's own directives).
function frontMatter(source) {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(source);
  const fields = {};
  if (!m) return fields;
  for (const line of m[1].split('\n')) {
    const kv = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (kv) fields[kv[1]] = kv[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

module.exports = { KIT, SLIDES, BUILD, OUT, PLOTS, TOOL, toolRequire, decks, frontMatter, escapeHtml };

if (parseInt(process.versions.node, 10) < 18) {
  console.error(`slides: Node.js ${process.versions.node} is too old; the pinned packages need 18 or later`);
  process.exit(2);
}
