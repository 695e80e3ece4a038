// Serves the page's own files from public/ and nothing else: a fixed list, so no request path can
// reach a file outside it (no path joining of what the client sent).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PUBLIC = path.join(__dirname, 'public');
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/console.css': ['console.css', 'text/css; charset=utf-8'],
  '/console.js': ['console.js', 'text/javascript; charset=utf-8'],
};

/** Answers `req` if it asks for one of the page's files; returns false otherwise. */
function serveStatic(req, res) {
  const pathname = new URL(req.url, 'http://localhost').pathname;
  if (pathname === '/favicon.ico') {
    res.writeHead(204).end(); // no icon, and no 404 in the browser's console for the lack of one
    return true;
  }
  const entry = FILES[pathname];
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  // Read on each request: an edited page shows on reload, with no build step and no restart.
  fs.readFile(path.join(PUBLIC, entry[0]), (err, body) => {
    if (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('cannot read the page\n');
      return;
    }
    res.writeHead(200, { 'content-type': entry[1], 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return true;
}

module.exports = { serveStatic };
