// SPDX-License-Identifier: MIT
// Marp CLI's settings for the kit's decks: inline HTML (the diagrams are
// inline SVG), MathJax rendered at build time to inline SVG (no fonts are
// fetched), and no emoji images (Marp would fetch those from a CDN).
module.exports = {
  html: true,
  options: {
    math: 'mathjax',
    emoji: { shortcode: false, unicode: false },
  },
};
