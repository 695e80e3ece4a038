#!/usr/bin/env node
// ringmix browser console: `npm run console` (or `node examples/console/server.js --help`).
//
// One Mixer on this machine, one page served over HTTP, and a WebSocket per browser: commands go
// up, state and meters come down, and every browser sees every change. Copying this example into
// a project of your own: `npm install ringmix ws`, and copy this folder whole.
//
// Files, one job each: cli.js (options), mixer-session.js (the Mixer and the commands applied to
// it, with recording.js and live.js for the record and go-live buttons), protocol.js (what a
// browser may send), hub.js (the browsers), metrics-frame.js (the meters' frames),
// flood-guard.js (per-browser rate limit), static-files.js (the page), public/ (the page).
'use strict';
const http = require('node:http');
const { WebSocketServer } = require('ws');
const { parseArgs, UsageError, USAGE } = require('./cli');
const { MixerSession } = require('./mixer-session');
const { Hub } = require('./hub');
const { metricsJson } = require('./metrics-frame');
const { serveStatic } = require('./static-files');

function options() {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`ringmix console: ${err.message}`);
    console.error(USAGE);
    process.exit(err.message ? 2 : 0);
  }
}

/**
 * Bound to this machine only (the default), the console answers only to the names of this
 * machine: a web page whose DNS name was re-pointed at 127.0.0.1 (DNS rebinding) would otherwise
 * count as same-origin and reach it.
 */
function hostCheck(listenHost) {
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(listenHost);
  return (req) => {
    if (!loopback) return true;
    const name = (req.headers.host ?? '').replace(/:\d+$/, '');
    return /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(name);
  };
}

/**
 * Same-origin WebSockets only: any web page the user visits could otherwise open a socket to
 * 127.0.0.1 and drive the mixer. Clients that are not browsers send no Origin and are let in.
 */
function sameOrigin({ origin, req }) {
  if (!hostAllowed(req)) return false;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

let hostAllowed = () => true;

function main() {
  const o = options();
  hostAllowed = hostCheck(o.host);
  let session;
  try {
    session = new MixerSession(o);
  } catch (err) {
    // A device that is not there, no audio backend, ...: ringmix's coded errors say what to do.
    console.error(`ringmix console: cannot start the mixer: ${err.code ?? 'ERR_INTERNAL'} ${err.message}`);
    process.exit(1);
  }
  const hub = new Hub(session, { metricsHz: o.metricsHz });

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('this console answers to 127.0.0.1 or localhost only\n');
      return;
    }
    const pathname = new URL(req.url, 'http://localhost').pathname;
    // The engine's full snapshot and the controls' state, for scripts (and the end-to-end test).
    if (req.method === 'GET' && (pathname === '/metrics.json' || pathname === '/state.json')) {
      try {
        const body = pathname === '/metrics.json' ? metricsJson(session.metrics()) : JSON.stringify(session.state());
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      } catch (err) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ code: err.code ?? 'ERR_INTERNAL' }));
      }
      return;
    }
    if (!serveStatic(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.on('clientError', (_err, socket) => socket.destroy()); // a malformed request: drop it, carry on

  // maxPayload: no control message comes near 16 kB; a bigger one closes that socket (1009).
  const wss = new WebSocketServer({ server, maxPayload: 16 * 1024, verifyClient: sameOrigin });
  wss.on('connection', (ws) => hub.add(ws));
  wss.on('error', () => {}); // the HTTP server's own errors, passed on: handled just below

  server.on('error', (err) => {
    console.error(`ringmix console: cannot listen on ${o.host}:${o.port}: ${err.code} ${err.message}`);
    process.exit(1);
  });
  server.listen(o.port, o.host, () => {
    const { port } = server.address();
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    console.log(`ringmix console: http://${host}:${port}/`);
    if (o.icecastUrl) console.log('ringmix console: go-live is configured (the stream URL stays on this machine)');
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    hub.close();
    wss.close();
    server.close();
    server.closeAllConnections();
    await session.close(); // completes a recording in progress
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
