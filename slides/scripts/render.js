// SPDX-License-Identifier: MIT
// `make slides`: renders every deck (slides/NN-name.md) with Marp into
// build/slides/: NN-name.html, the deck (arrow keys, P for the presenter
// view with the notes), NN-name-notes.html, the same slides one under another
// with their notes (for reading alone), and index.html linking them.
// Every page is self-contained: styles, scripts, math and diagrams are inline;
// the only files a page loads are the measured figures, by relative path.
'use strict';

const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const { marpCli } = lib.toolRequire('@marp-team/marp-cli');
const { Marp } = lib.toolRequire('@marp-team/marp-core');
const marpConfig = require(path.join(lib.SLIDES, 'marp.config.js'));

const THEME = path.join(lib.SLIDES, 'theme', 'kit.css');
const SRC = path.join(lib.OUT, 'src');
// Links to the kit's files (../labs/...) are written from slides/; from the
// rendered pages the kit's top folder is here (../.. unless BUILD moved).
const KIT_FROM_OUT = path.relative(lib.OUT, lib.KIT).split(path.sep).join('/') || '.';

// A figure that `make plots` has not drawn yet: a framed note saying so,
// as an inline image, so that the deck still renders from a fresh clone.
function placeholder(name) {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720" viewBox="0 0 1280 720">' +
    '<rect x="4" y="4" width="1272" height="712" rx="16" fill="#f6f8fa" stroke="#8c959f" ' +
    'stroke-width="4" stroke-dasharray="18 12"/>' +
    '<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" text-anchor="middle" fill="#57606a">' +
    `<text x="640" y="300" font-size="44">Figure not measured yet: ${lib.escapeHtml(name)}</text>` +
    '<text x="640" y="390" font-size="36">Run make plots to measure it on this machine,</text>' +
    '<text x="640" y="445" font-size="36">then make slides to put it here.</text></g></svg>';
  return 'data:image/svg+xml,' + encodeURIComponent(svg);
}

// The deck as Marp sees it: links to a lab (../labs/...) from build/slides/,
// links to a deck to its HTML, figures to build/plots/ or a placeholder.
function prepare(source, missing) {
  return source
    .replace(/\]\((\d\d-[a-z0-9-]+)\.md(#[^)]*)?\)/g, (m, deck, hash) => `](${deck}.html${hash || ''})`)
    .replace(/\]\(\.\.\/(?!plots\/)([^)]*)\)/g, (m, rest) => `](${KIT_FROM_OUT}/${rest})`)
    .replace(/!\[([^\]]*)\]\(figures\/([A-Za-z0-9_.-]+\.png)\)/g, (m, alt, name) => {
      if (fs.existsSync(path.join(lib.PLOTS, name))) return `![${alt}](../plots/${name})`;
      // Markdown accepts no SVG data: URL as an image, so the placeholder is
      // an <img> element, as wide as the figure would have been.
      missing.add(name);
      const width = (/(?:^|\s)w(?:idth)?:(\d+)/.exec(alt) || [0, 900])[1];
      return `<img src="${placeholder(name)}" width="${width}" alt="not measured yet: ${name}">`;
    });
}

// Speaker notes to HTML: paragraphs at blank lines, "- " items as lists,
// `code` and **bold** inline; everything else as text.
function notesHtml(comments) {
  const blocks = comments.join('\n\n').trim().split(/\n\s*\n/);
  const inline = (t) => lib.escapeHtml(t)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  return blocks.filter((b) => b.trim()).map((b) => {
    const lines = b.split('\n');
    if (lines.every((l) => /^\s*- /.test(l) || /^\s{2,}\S/.test(l))) {
      const items = b.split(/\n(?=\s*- )/).map((i) => `<li>${inline(i.replace(/^\s*- /, ''))}</li>`);
      return `<ul>${items.join('')}</ul>`;
    }
    return `<p>${inline(b)}</p>`;
  }).join('\n');
}

// Slides one under another, each followed by its notes.
function handout(deck, prepared, title) {
  const marp = new Marp({ ...marpConfig.options, html: true });
  marp.themeSet.add(fs.readFileSync(THEME, 'utf8'));
  const { html, css, comments } = marp.render(prepared);
  const end = '</foreignObject></svg>';
  const slides = html.replace(/^<div class="marpit">/, '').replace(/<\/div>\s*$/, '')
    .split(end).slice(0, -1).map((s) => s + end);
  if (slides.length !== comments.length) {
    throw new Error(`${deck.name}: ${slides.length} slides but ${comments.length} note sets`);
  }
  const body = slides.map((svg, i) => {
    const notes = notesHtml(comments[i]);
    return `<div class="marpit">${svg}</div>\n` +
      `<aside class="notes" id="notes-${i + 1}"><h2>Notes to slide ${i + 1}</h2>\n` +
      `${notes || '<p class="none">No notes to this slide.</p>'}</aside>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${lib.escapeHtml(title)}: slides with notes</title>
<style>${css}</style>
<style>
body { margin: 0; background: #eaeef2; font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
nav, div.marpit, aside.notes { max-width: 1000px; margin: 0 auto; }
nav { padding: 16px 0; font-size: 18px; }
div.marpit > svg { display: block; width: 100%; height: auto; box-shadow: 0 1px 4px rgba(0,0,0,.25); }
aside.notes { box-sizing: border-box; background: #fff; margin-bottom: 48px; padding: 12px 24px 16px;
  border-left: 4px solid #1f6fb4; font-size: 19px; line-height: 1.5; color: #1f2328; }
aside.notes h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .06em; color: #57606a; margin: 4px 0; }
aside.notes code { background: #f2f4f6; padding: 0 .25em; border-radius: 3px; }
aside.notes .none { color: #8c959f; }
</style></head>
<body>
<nav><a href="index.html">All decks</a> | <a href="${deck.name}.html">${lib.escapeHtml(title)} as a slide show</a></nav>
${body}
</body></html>
`;
}

function indexPage(entries, missing) {
  const template = fs.readFileSync(path.join(lib.SLIDES, 'index.html.in'), 'utf8');
  const items = entries.map((e) =>
    `<li><a class="deck" href="${e.name}.html">${lib.escapeHtml(e.title)}</a>` +
    ` <a class="notes" href="${e.name}-notes.html">with notes</a>` +
    `<p>${lib.escapeHtml(e.description || '')}</p></li>`).join('\n');
  const figures = missing.size === 0
    ? '<p>Every figure in these decks was measured on the machine that ran <code>make plots</code>.</p>'
    : `<p class="warn">Not measured yet: ${[...missing].sort().map((m) => `<code>${lib.escapeHtml(m)}</code>`).join(', ')}. ` +
      'Run <code>make plots</code>, then <code>make slides</code>, to measure them on this machine.</p>';
  return template.replace('{{DECKS}}', items).replace('{{FIGURES}}', figures);
}

async function main() {
  fs.rmSync(SRC, { recursive: true, force: true });
  fs.mkdirSync(SRC, { recursive: true });
  for (const f of fs.readdirSync(lib.OUT)) {
    if (/\.html$/.test(f)) fs.rmSync(path.join(lib.OUT, f));
  }
  const missing = new Set();
  const entries = [];
  for (const deck of lib.decks()) {
    const prepared = prepare(deck.source, missing);
    fs.writeFileSync(path.join(SRC, `${deck.name}.md`), prepared);
    const fm = lib.frontMatter(deck.source);
    const title = fm.title || deck.name;
    entries.push({ name: deck.name, title, description: fm.description });
    fs.writeFileSync(path.join(lib.OUT, `${deck.name}-notes.html`), handout(deck, prepared, title));
  }
  const status = await marpCli([
    '--no-stdin', '--config-file', path.join(lib.SLIDES, 'marp.config.js'),
    '--theme-set', THEME, '--input-dir', SRC, '--output', lib.OUT,
  ]);
  if (status !== 0) {
    console.error(`slides: Marp exited with status ${status}`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(lib.OUT, 'index.html'), indexPage(entries, missing));
  fs.rmSync(SRC, { recursive: true, force: true });
  for (const e of entries) console.log(`  SLIDES  build/slides/${e.name}.html`);
  console.log('  SLIDES  build/slides/index.html');
  if (missing.size > 0) {
    console.log(`  NOTE    not measured yet (placeholders shown): ${[...missing].sort().join(', ')}; ` +
      'run `make plots`, then `make slides`');
  }
}

main().catch((err) => {
  console.error(`slides: ${err.stack || err}`);
  process.exit(1);
});
