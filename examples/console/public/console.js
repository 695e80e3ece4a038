// ringmix console, the page. No build step: plain DOM and canvas.
//
// The server owns the state. A control sends what the user did and then shows whatever state the
// server broadcasts back, so every open page shows the same desk. Meter frames arrive up to 60
// times a second; they are only stored on arrival and drawn at the display's own rate
// (requestAnimationFrame), so a burst of frames never costs more than one redraw.
'use strict';

const FADER_MIN = -80; // the fader's bottom stop means "off" (-Infinity)
const METER_FLOOR = -60; // dBFS at the bottom of a meter
const $ = (id) => document.getElementById(id);

let socket = null;
let state = null; // the last state the server broadcast
let frame = null; // the last meter frame
let seq = 0;
const pending = new Map(); // control key → message not sent yet (coalesced: see send())
let flushTimer = null;

// ---- formatting ------------------------------------------------------------------------------

const fmtDb = (v, digits = 1) => (v === null || v === undefined ? '-∞' : v.toFixed(digits));
const fmtGain = (v) => (v === null ? '-∞ dB' : `${v > 0 ? '+' : ''}${v.toFixed(1)} dB`);
const fmtPan = (v) => (Math.abs(v) < 0.005 ? 'C' : `${v < 0 ? 'L' : 'R'}${Math.round(Math.abs(v) * 100)}`);
const faderToGain = (v) => (Number(v) <= FADER_MIN ? null : Number(v));
const gainToFader = (g) => (g === null ? FADER_MIN : Math.max(FADER_MIN, g));

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

// ---- the connection --------------------------------------------------------------------------

function connect(delayMs = 0) {
  setTimeout(() => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`);
    socket = ws;
    ws.onopen = () => setConn('open', 'connected');
    ws.onmessage = (e) => receive(JSON.parse(e.data));
    ws.onclose = () => {
      setConn('closed', 'disconnected – retrying');
      socket = null;
      connect(1000); // the server restarted, or the network blinked: keep trying, gently
    };
  }, delayMs);
}

function setConn(s, text) {
  $('conn').dataset.state = s;
  $('conn').textContent = text;
}

/**
 * Queues a message; a control moved many times before the next flush sends only its newest value
 * (a fader drag produces an input event per pixel, the server needs at most one per frame).
 */
function send(message, key = `${message.type}:${seq++}`) {
  pending.set(key, message);
  if (flushTimer === null) flushTimer = setTimeout(flush, 16);
}

function flush() {
  flushTimer = null;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    pending.clear(); // dropped, not kept for later: the state sent on reconnecting is the truth
    return;
  }
  for (const m of pending.values()) socket.send(JSON.stringify({ ...m, seq: seq++ }));
  pending.clear();
}

const setParam = (id, param, value) => send({ type: 'set', input: id, param, value }, `${id}:${param}`);

function receive(m) {
  if (m.type === 'state') applyState(m.state);
  else if (m.type === 'm') frame = m;
  else if (m.type === 'event') log(m.kind, m.text, m.at);
  else if (m.type === 'error') log('error', `${m.code}: ${m.message}`, Date.now());
}

// ---- strips ----------------------------------------------------------------------------------

/** One input strip's elements, built once per input and then only updated. */
function buildStrip(input) {
  const id = input.id;
  const range = (param, min, max, step, label) =>
    h('input', { type: 'range', min, max, step, 'data-param': param, 'aria-label': label });
  const toggle = (param, text, cls, label) =>
    h('button', { type: 'button', class: cls, 'data-param': param, 'aria-pressed': 'false', title: label, onclick: (e) => {
      setParam(id, param, e.currentTarget.getAttribute('aria-pressed') !== 'true');
    } }, text);
  const bandRow = (band, label) => [h('span', {}, label), range(`eq.${band}`, -18, 18, 0.5, `EQ ${label} gain, dB`), h('output', { 'data-for': `eq.${band}` })];

  const el = h('div', { class: 'strip', 'data-id': String(id) },
    h('div', { class: 'name' }, h('span', { title: input.name }, input.name),
      h('button', { type: 'button', class: 'remove', title: 'Remove this input', 'aria-label': `Remove ${input.name}`, onclick: () => send({ type: 'removeInput', input: id }) }, '×')),
    h('div', { class: 'src', title: input.source }, input.source),
    h('div', { class: 'block eq' }, h('div', { class: 'head' }, 'EQ', toggle('eq.enabled', 'on', 'eq-on', 'EQ on/off')),
      ...bandRow('high', 'High'), ...bandRow('mid', 'Mid'), ...bandRow('low', 'Low')),
    h('div', { class: 'block comp' }, h('div', { class: 'head' }, 'Comp', toggle('compressor.enabled', 'on', 'comp-on', 'Compressor on/off')),
      h('span', {}, 'Thr'), range('compressor.thresholdDb', -60, 0, 0.5, 'Compressor threshold, dB'), h('output', { 'data-for': 'compressor.thresholdDb' }),
      h('span', {}, 'Ratio'), range('compressor.ratio', 1, 20, 0.1, 'Compressor ratio'), h('output', { 'data-for': 'compressor.ratio' })),
    h('div', { class: 'meters' },
      h('canvas', { class: 'meter', width: 26, height: 180, 'aria-label': 'Level' }),
      range('gainDb', FADER_MIN, 12, 0.5, `${input.name} fader, dB`),
      h('canvas', { class: 'gr', width: 8, height: 180, 'aria-label': 'Gain reduction' })),
    h('output', { class: 'readout', 'data-for': 'gainDb' }),
    h('div', { class: 'pan-row' }, range('pan', -1, 1, 0.01, `${input.name} pan`), h('output', { 'data-for': 'pan' })),
    h('div', { class: 'buttons' }, toggle('muted', 'M', 'mute', 'Mute'), toggle('solo', 'S', 'solo', 'Solo')));
  el.querySelector('[data-param="gainDb"]').classList.add('fader');

  for (const r of el.querySelectorAll('input[type="range"]')) {
    const param = r.dataset.param;
    r.addEventListener('input', () => {
      const v = param === 'gainDb' ? faderToGain(r.value) : Number(r.value);
      showValue(el, param, v); // the readout follows the hand at once; the state confirms it
      setParam(id, param, v);
    });
    // While a hand is on a control, broadcasts of its own earlier values must not pull it back.
    r.addEventListener('pointerdown', () => (r.dataset.held = '1'));
    r.addEventListener('pointerup', () => delete r.dataset.held);
    r.addEventListener('pointercancel', () => delete r.dataset.held);
    r.addEventListener('change', () => delete r.dataset.held); // the drag ended, wherever the pointer went
  }
  return el;
}

function showValue(el, param, v) {
  const out = el.querySelector(`output[data-for="${param}"]`);
  if (!out) return;
  if (param === 'gainDb') out.textContent = fmtGain(v);
  else if (param === 'pan') out.textContent = fmtPan(v);
  else if (param === 'compressor.ratio') out.textContent = `${v.toFixed(1)}:1`;
  else out.textContent = v.toFixed(1);
}

function updateStrip(el, input) {
  const values = {
    gainDb: input.gainDb,
    pan: input.pan,
    muted: input.muted,
    solo: input.solo,
    'eq.enabled': input.eq.enabled,
    'eq.low': input.eq.low,
    'eq.mid': input.eq.mid,
    'eq.high': input.eq.high,
    'compressor.enabled': input.compressor.enabled,
    'compressor.thresholdDb': input.compressor.thresholdDb,
    'compressor.ratio': input.compressor.ratio,
  };
  for (const [param, v] of Object.entries(values)) {
    const c = el.querySelector(`[data-param="${param}"]`);
    if (c.tagName === 'BUTTON') {
      c.setAttribute('aria-pressed', String(v));
    } else if (!c.dataset.held) {
      c.value = String(param === 'gainDb' ? gainToFader(v) : v);
    }
    showValue(el, param, v);
  }
}

function applyState(s) {
  state = s;
  const strips = $('strips');
  const existing = new Map([...strips.children].map((el) => [Number(el.dataset.id), el]));
  for (const input of s.inputs) {
    let el = existing.get(input.id);
    if (!el) {
      el = buildStrip(input);
      strips.append(el);
    }
    existing.delete(input.id);
    updateStrip(el, input);
  }
  for (const el of existing.values()) el.remove(); // inputs removed (from any page)

  const mf = $('master-fader');
  if (!mf.dataset.held) mf.value = String(gainToFader(s.master.gainDb));
  $('master-gain').textContent = fmtGain(s.master.gainDb);
  $('limiter').setAttribute('aria-pressed', String(s.master.limiter));

  const rec = s.record;
  $('record').setAttribute('aria-pressed', String(rec.status === 'recording'));
  $('record').textContent = rec.status === 'recording' ? '■ Stop' : '● Rec';
  $('record').disabled = rec.status === 'stopping';
  const rs = $('record-status');
  rs.dataset.status = rec.status;
  rs.dataset.path = rec.path ?? '';
  rs.title = rec.path ?? '';
  rs.textContent =
    rec.status === 'stopped' ? `saved ${rec.seconds.toFixed(1)} s: ${rec.path}` : rec.status === 'failed' ? rec.error : rec.status;

  const live = s.live;
  $('live').disabled = !live.available;
  $('live').title = live.available ? 'Stream the mix to the configured Icecast mount' : live.message;
  $('live').setAttribute('aria-pressed', String(['connecting', 'connected', 'reconnecting'].includes(live.status)));
  $('live').textContent = live.status === 'off' || live.status === 'failed' ? 'Go live' : 'End live';
  $('live-status').dataset.status = live.status;
  $('live-status').textContent = live.available ? live.message : 'not configured';

  const select = $('add-source');
  for (const o of [...select.querySelectorAll('option[data-device]')]) o.remove();
  for (const d of s.devices.list) {
    select.append(h('option', { value: `device:${d.index}`, 'data-device': '1' }, `${d.name} (${d.hostApi})`));
  }
  $('scan').disabled = s.devices.scanning;
  $('devices-status').textContent = s.devices.scanning ? 'scanning…' : s.devices.message;
  showGeneratorFields();
}

// ---- the master, transport and picker ----------------------------------------------------------

function wireControls() {
  const mf = $('master-fader');
  mf.addEventListener('input', () => {
    const v = faderToGain(mf.value);
    $('master-gain').textContent = fmtGain(v);
    send({ type: 'master', param: 'gainDb', value: v }, 'master:gainDb');
  });
  mf.addEventListener('pointerdown', () => (mf.dataset.held = '1'));
  mf.addEventListener('pointerup', () => delete mf.dataset.held);
  $('limiter').addEventListener('click', () =>
    send({ type: 'master', param: 'limiter.enabled', value: $('limiter').getAttribute('aria-pressed') !== 'true' }));
  $('reset-loudness').addEventListener('click', () => send({ type: 'resetLoudness' }));
  $('record').addEventListener('click', () =>
    send({ type: 'record', action: state?.record.status === 'recording' ? 'stop' : 'start' }));
  $('live').addEventListener('click', () =>
    send({ type: 'live', action: $('live').getAttribute('aria-pressed') === 'true' ? 'stop' : 'start' }));
  $('scan').addEventListener('click', () => send({ type: 'scanDevices' }));
  $('add-source').addEventListener('change', showGeneratorFields);
  $('picker').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('add-source').value;
    const source = v.startsWith('device:')
      ? { device: Number(v.slice(7)) }
      : { generator: v, frequency: Number($('add-frequency').value), levelDb: Number($('add-level').value) };
    send({ type: 'addInput', source });
  });
}

function showGeneratorFields() {
  const v = $('add-source').value;
  for (const el of document.querySelectorAll('.picker .gen')) el.hidden = v.startsWith('device:') || (v === 'noise' && el.textContent.startsWith('Frequency'));
}

function log(kind, text, at) {
  const list = $('log');
  const time = new Date(at).toLocaleTimeString();
  list.prepend(h('li', { class: kind }, `${time} ${kind}: ${text}`));
  while (list.children.length > 200) list.lastChild.remove();
}

// ---- meters ----------------------------------------------------------------------------------

/** Fits a canvas's pixels to its CSS size and the screen's density; returns its 2D context. */
function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(canvas.clientWidth * dpr);
  const hgt = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== w || canvas.height !== hgt) {
    canvas.width = w;
    canvas.height = hgt;
  }
  return canvas.getContext('2d');
}

const level = (db) => (db === null ? 0 : Math.min(1, Math.max(0, (db - METER_FLOOR) / -METER_FLOOR)));
const colour = (db) => (db !== null && db > -6 ? '#e04848' : db !== null && db > -18 ? '#e0c020' : '#3cb371');

/** Peak bars (bright) with RMS inside (dark), one per channel; optional held peaks as lines. */
function drawMeter(canvas, peaks, rmss, holds) {
  const g = fit(canvas);
  const { width: w, height: hgt } = canvas;
  g.clearRect(0, 0, w, hgt);
  const n = Math.max(1, peaks.length);
  const bw = w / n;
  g.fillStyle = '#2a2f36';
  for (let db = -6; db > METER_FLOOR; db -= 6) g.fillRect(0, Math.round(hgt * (1 - level(db))), w, 1); // 6 dB ticks
  peaks.forEach((p, ch) => {
    const x = ch * bw + 1;
    const ph = hgt * level(p);
    g.fillStyle = colour(p);
    g.fillRect(x, hgt - ph, bw - 2, ph);
    const rh = hgt * level(rmss[ch] ?? null);
    g.fillStyle = 'rgba(0,0,0,0.35)';
    g.fillRect(x + (bw - 2) / 4, hgt - rh, (bw - 2) / 2, rh);
    if (holds && holds[ch] !== null) {
      g.fillStyle = '#ffffff';
      g.fillRect(x, Math.round(hgt * (1 - level(holds[ch]))), bw - 2, 2);
    }
  });
}

/** Gain reduction, drawn from the top down over 0…24 dB. */
function drawGr(canvas, grDb) {
  const g = fit(canvas);
  const { width: w, height: hgt } = canvas;
  g.clearRect(0, 0, w, hgt);
  const depth = Math.min(1, Math.abs(grDb ?? 0) / 24);
  g.fillStyle = '#e0a020';
  g.fillRect(0, 0, w, hgt * depth);
}

function draw() {
  requestAnimationFrame(draw);
  if (!frame || frame.drawn) return;
  frame.drawn = true;
  const f = frame;
  const rate = state?.sampleRate ?? 48000;
  const engine = $('engine');
  engine.dataset.frames = String(f.frames);
  engine.dataset.n = String(f.n);
  engine.textContent = `${(f.frames / rate).toFixed(1)} s · DSP ${(f.load * 100).toFixed(1)}%`;
  $('xruns').textContent = `xruns ${f.xruns}`;
  for (const [id, peak, rms, gr] of f.in) {
    const el = document.querySelector(`.strip[data-id="${id}"]`);
    if (!el) continue;
    drawMeter(el.querySelector('canvas.meter'), peak, rms, null);
    drawGr(el.querySelector('canvas.gr'), gr);
  }
  const ms = f.ms;
  drawMeter($('master-meter'), ms.peak, ms.rms, ms.hold);
  drawGr($('master-gr'), Math.max(Math.abs(ms.gr[0] ?? 0), Math.abs(ms.gr[1] ?? 0)));
  $('m-peak').textContent = ms.peak.map((v) => fmtDb(v)).join(' / ');
  $('m-rms').textContent = ms.rms.map((v) => fmtDb(v)).join(' / ');
  $('m-hold').textContent = ms.hold.map((v) => fmtDb(v)).join(' / ');
  const [m, s, i, tp] = ms.lufs;
  $('l-m').textContent = fmtDb(m);
  $('l-s').textContent = fmtDb(s);
  $('l-i').textContent = fmtDb(i);
  $('l-tp').textContent = fmtDb(tp);
  if (f.rec !== undefined && state?.record.status === 'recording') {
    $('record-status').textContent = `recording ${(f.rec / rate).toFixed(1)} s`;
  }
}

wireControls();
connect();
requestAnimationFrame(draw);
