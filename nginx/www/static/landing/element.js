// The landing page's one DOM helper, for try-it.js and latest-benchmark.js
// (classic scripts loaded after this one, so they share its top-level names).
"use strict";

// An element with text that is never parsed as HTML (nothing from a backend or
// a report becomes markup) and an optional class.
const element = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};
