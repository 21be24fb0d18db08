// SPDX-License-Identifier: MIT
// `make test-slides`, the reader's half: opens every page of build/slides/
// from file:// in headless Chromium and fails on a console error, a page
// error, a failed request, any request that is neither file: nor data:, an
// image that did not load, a link to a file that does not exist, an empty
// slide, or a slide whose content runs past its bottom edge. Saves a
// screenshot of each deck's first slide in build/slides/screenshots/.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');
const lib = require('./lib');

const puppeteer = lib.toolRequire('puppeteer-core');

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH || '').split(':')) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  console.error('test-slides: no chromium on PATH (Debian package chromium; `make deps` installs it)');
  process.exit(2);
}

const problems = [];
function problem(page, what) {
  problems.push(`${page}: ${what}`);
}

// Watches one page for anything that leaves the machine or goes wrong.
function watch(page, label) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problem(label, `console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problem(label, `page error: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!/^(file|data):/.test(url)) problem(label, `request that leaves the file system: ${url}`);
  });
  page.on('requestfailed', (req) => {
    const url = req.url();
    problem(label, `failed request: ${url.startsWith('data:') ? url.slice(0, 60) + '...' : url}` +
      ` (${req.failure() && req.failure().errorText})`);
  });
}

// Every relative link of the page must point at a file that exists.
async function checkLinks(page, label) {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
  for (const href of hrefs) {
    if (!href.startsWith('file:')) {
      if (!/^(https?:|mailto:)/.test(href)) problem(label, `odd link: ${href}`);
      continue;
    }
    const file = fileURLToPath(href.replace(/#.*$/, ''));
    if (!fs.existsSync(file)) problem(label, `link to a missing file: ${path.relative(lib.KIT, file)}`);
  }
  return hrefs.length;
}

async function checkImages(page, label) {
  const broken = await page.$$eval('img', (imgs) => Promise.all(imgs.map(async (img) => {
    try { await img.decode(); } catch (e) { /* reported below */ }
    return img.complete && img.naturalWidth > 0 ? null : img.getAttribute('src').slice(0, 80);
  })).then((r) => r.filter(Boolean)));
  for (const src of broken) problem(label, `image did not load: ${src}`);
}

// The deck as a slide show: every slide has something on it.
async function checkDeck(browser, deck) {
  const label = `${deck}.html`;
  const page = await browser.newPage();
  watch(page, label);
  await page.setViewport({ width: 1280, height: 720 });
  await page.goto(pathToFileURL(path.join(lib.OUT, label)).href, { waitUntil: 'load' });
  // Hidden slides are not laid out, so their text is read from the DOM;
  // the footer and header, on every slide, do not count as content.
  const slides = await page.$$eval('section', (ss) => ss.map((s) => {
    const copy = s.cloneNode(true);
    copy.querySelectorAll('header, footer').forEach((e) => e.remove());
    return {
      text: copy.textContent.replace(/\s+/g, ' ').trim(),
      pictures: copy.querySelectorAll('img, svg, mjx-container').length,
    };
  }));
  if (slides.length === 0) problem(label, 'no slides');
  slides.forEach((s, i) => {
    if (s.text.length === 0 && s.pictures === 0) problem(label, `slide ${i + 1} is empty`);
  });
  await checkImages(page, label);
  const links = await checkLinks(page, label);
  // Photograph slide 1 without the slide show's on-screen buttons.
  await page.addStyleTag({ content: '.bespoke-marp-osc { display: none !important; }' });
  await new Promise((r) => setTimeout(r, 200));
  const shot = path.join(lib.OUT, 'screenshots', `${deck}.png`);
  await page.screenshot({ path: shot });
  await page.close();
  return { slides: slides.length, links, shot };
}

// The deck with notes: all slides laid out at once, so each can be measured;
// content taller than the slide is cut off in the slide show.
async function checkHandout(browser, deck) {
  const label = `${deck}-notes.html`;
  const page = await browser.newPage();
  watch(page, label);
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(path.join(lib.OUT, label)).href, { waitUntil: 'load' });
  const overflows = await page.$$eval('div.marpit > svg > foreignObject > section', (ss) => ss.map((s, i) => {
    // The lowest bottom edge of anything on the slide, against the slide's
    // own bottom edge less its padding (page numbers live in the padding).
    const box = s.getBoundingClientRect();
    const scale = box.height / s.offsetHeight;
    const padding = parseFloat(getComputedStyle(s).paddingBottom) * scale;
    let lowest = box.top;
    for (const el of s.querySelectorAll('*')) {
      if (el.closest('header, footer')) continue;
      const r = el.getBoundingClientRect();
      if (r.height > 0 && r.bottom > lowest) lowest = r.bottom;
    }
    const over = (lowest - (box.bottom - padding)) / scale;
    const wide = s.scrollWidth > s.clientWidth + 2;
    return over > 2 || wide ? `slide ${i + 1}: content ${over > 2 ? `${Math.round(over)}px below the slide's bottom edge` : 'wider than the slide'}` : null;
  }).filter(Boolean));
  for (const o of overflows) problem(label, o);
  const notes = await page.$$eval('aside.notes p:not(.none), aside.notes li', (ns) => ns.length);
  if (notes === 0) problem(label, 'no speaker notes at all');
  await checkImages(page, label);
  await checkLinks(page, label);
  await page.close();
}

async function checkIndex(browser, decks) {
  const label = 'index.html';
  const page = await browser.newPage();
  watch(page, label);
  await page.setViewport({ width: 1000, height: 900 });
  await page.goto(pathToFileURL(path.join(lib.OUT, label)).href, { waitUntil: 'load' });
  const hrefs = await page.$$eval('a.deck', (as) => as.map((a) => a.getAttribute('href')));
  for (const deck of decks) {
    if (!hrefs.includes(`${deck}.html`)) problem(label, `no link to ${deck}.html`);
  }
  await checkLinks(page, label);
  await page.screenshot({ path: path.join(lib.OUT, 'screenshots', 'index.png'), fullPage: true });
  await page.close();
}

async function main() {
  const decks = lib.decks().map((d) => d.name);
  if (decks.length === 0) {
    console.error('test-slides: no decks in slides/');
    process.exit(1);
  }
  fs.rmSync(path.join(lib.OUT, 'screenshots'), { recursive: true, force: true });
  fs.mkdirSync(path.join(lib.OUT, 'screenshots'), { recursive: true });
  // A fresh profile, and every background service that would reach the
  // network switched off; --no-sandbox because CI runs as root.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-slides-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--hide-scrollbars'],
  });
  try {
    for (const deck of decks) {
      const r = await checkDeck(browser, deck);
      await checkHandout(browser, deck);
      console.log(`  PAGE    ${deck}: ${r.slides} slides, ${r.links} links; screenshot ` +
        `${path.relative(lib.KIT, r.shot)}`);
    }
    await checkIndex(browser, decks);
    console.log('  PAGE    index.html');
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    for (const p of problems) console.log(`FAIL    ${p}`);
    console.log(`test-slides: ${problems.length} problem(s) in ${decks.length} decks`);
    process.exit(1);
  }
  console.log(`test-slides: ${decks.length} decks, their notes pages and the index open offline, ` +
    'with no request leaving the file system');
}

main().catch((err) => {
  console.error(`test-slides: ${err.stack || err}`);
  process.exit(1);
});
