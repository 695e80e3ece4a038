// The console's one Mixer and everything done to it: commands (already checked by protocol.js)
// are applied here, and every change is announced with 'change' so the server can send the new
// state to every browser at once. Engine events (xruns, dropouts, device failures) come out as
// 'event' for the browsers' log.
'use strict';
const { EventEmitter } = require('node:events');
const { Mixer, listDevices, rescanDevices } = require('ringmix');
const { ProtocolError } = require('./protocol');
const { Recording } = require('./recording');
const { Live } = require('./live');

/** The three generators `npm run console` starts with: no sound card needed. */
const DEFAULT_INPUTS = [
  { name: 'sine 440 Hz', source: { generator: 'sine', frequency: 440, levelDb: -18 } },
  { name: 'sine 1 kHz', source: { generator: 'sine', frequency: 1000, levelDb: -30 }, pan: -0.5 },
  { name: 'noise', source: { generator: 'noise', levelDb: -36 }, pan: 0.5 },
];

/** A device selector from the command line: an index when it is all digits, else a name. */
const selector = (s) => (/^\d+$/.test(s) ? Number(s) : s);

/** A device's own name for a selector from the command line (the selector itself if none matches). */
function deviceName(sel) {
  if (typeof sel !== 'number') return sel;
  return listDevices().find((d) => d.index === sel)?.name ?? String(sel);
}

/** JSON has no -Infinity: the browsers get null for "off". */
const db = (v) => (Number.isFinite(v) ? v : null);

class MixerSession extends EventEmitter {
  /**
   * @param {{ deviceClock?: string, deviceInputs: string[], recordDir: string, recordFormat: string,
   *   icecastUrl: string | null }} options
   */
  constructor(options) {
    super();
    const clock = options.deviceClock ? { output: selector(options.deviceClock) } : 'virtual';
    // metricsIntervalMs: how soon an xrun or dropout reaches the browsers' log.
    this.mixer = new Mixer({ sampleRate: 48000, periodFrames: 256, clock, metricsIntervalMs: 50 });
    this.sources = new Map(); // input id → what the strip plays, for its label
    this.devices = { scanned: false, scanning: false, backend: null, message: '', list: [] };
    const changed = () => this.changed();
    const event = (kind, text) => this.event(kind, text);
    this.recording = new Recording({ mixer: this.mixer, dir: options.recordDir, format: options.recordFormat, changed, event });
    this.live = new Live({ mixer: this.mixer, url: options.icecastUrl, changed, event });

    this.mixer.on('xrun', (e) =>
      this.event(
        'xrun',
        e.skippedCycles > 0
          ? `overload: ${e.skippedCycles} cycles skipped at frame ${e.frame}`
          : e.overUs > 0
            ? `a cycle finished ${(e.overUs / 1000).toFixed(2)} ms late at frame ${e.frame}`
            : `the output device ran short at frame ${e.frame}`, // a device clock's underflow: no lateness to tell
      ),
    );
    this.mixer.on('dropout', (e) => this.event('dropout', `${e.kind} ${e.consumerId} fell behind: ${e.lostFrames} frames lost`));
    this.mixer.on('deviceError', (e) => this.event('error', `device '${e.device}' (${e.kind}): ${e.message}`));
    this.mixer.on('error', (e) => this.event('error', `${e.code}: ${e.message}`));

    const inputs = options.deviceInputs.length
      ? options.deviceInputs.map((d) => ({ name: deviceName(selector(d)), source: { device: selector(d) } }))
      : DEFAULT_INPUTS;
    for (const spec of inputs) this.add(spec);
    this.mixer.start();
  }

  add(spec) {
    const input = this.mixer.addInput(spec);
    const s = spec.source;
    this.sources.set(input.id, s.generator ? `${s.generator}${s.generator === 'sine' ? ` ${s.frequency} Hz` : ''}, ${s.levelDb} dBFS` : `device: ${spec.name}`);
    return input;
  }

  input(id) {
    const input = this.mixer.inputs.find((i) => i.id === id);
    if (!input) throw new ProtocolError('ERR_UNKNOWN_INPUT', `there is no input ${id}`);
    return input;
  }

  /** Applies one checked command. Throws ProtocolError, or ringmix's own coded errors. */
  async apply(c) {
    switch (c.type) {
      case 'set':
        this.setParam(this.input(c.input), c.param, c.value);
        break;
      case 'master':
        if (c.param === 'gainDb') this.mixer.master.gainDb = c.value;
        else this.mixer.master.limiter = { enabled: c.value };
        break;
      case 'addInput':
        this.addFromBrowser(c);
        break;
      case 'removeInput':
        this.input(c.input).remove();
        this.sources.delete(c.input);
        break;
      case 'record':
        if (c.action === 'start') this.recording.start();
        else await this.recording.stop();
        return; // Recording announces its own changes
      case 'live':
        if (c.action === 'start') this.live.start();
        else await this.live.stop();
        return;
      case 'scanDevices':
        await this.scanDevices();
        break;
      case 'resetLoudness':
        this.mixer.resetLoudness();
        return; // no control changed
    }
    this.changed();
  }

  setParam(input, param, value) {
    const [block, field] = param.split('.');
    if (!field) {
      input[param] = value; // gainDb, pan, muted, solo: ringmix ramps them, no click
    } else if (field === 'enabled') {
      input[block] = { enabled: value };
    } else if (block === 'eq') {
      input.eq = { [field]: { gainDb: value } }; // merged into the current bands; enables the EQ
    } else {
      input.compressor = { [field]: value }; // merged; enables the compressor
    }
  }

  addFromBrowser(c) {
    if (c.source.device !== undefined) {
      const d = this.devices.list.find((x) => x.index === c.source.device);
      if (!d) throw new ProtocolError('ERR_UNKNOWN_DEVICE', `no input device ${c.source.device} in the last scan`);
      this.add({ name: c.name || d.name, source: { device: d.index, channels: d.maxInputChannels >= 2 ? [0, 1] : [0] } });
    } else {
      const s = c.source;
      this.add({ name: c.name || (s.generator === 'sine' ? `sine ${s.frequency} Hz` : 'noise'), source: s });
    }
  }

  /** Lists capture devices only when asked: opening PortAudio can be slow, and needs a backend. */
  async scanDevices() {
    if (this.devices.scanning) throw new ProtocolError('ERR_STATE', 'a scan is already running');
    this.devices = { ...this.devices, scanning: true };
    this.changed();
    try {
      const all = this.devices.scanned ? await rescanDevices() : listDevices();
      const list = all.filter((d) => d.maxInputChannels > 0).map((d) => ({ index: d.index, name: d.name, hostApi: d.hostApi, maxInputChannels: d.maxInputChannels }));
      this.devices = { scanned: true, scanning: false, backend: true, message: `${list.length} input devices`, list };
    } catch (err) {
      this.devices = { scanned: true, scanning: false, backend: err.code !== 'ERR_NO_AUDIO_BACKEND', message: `${err.code}: ${err.message}`, list: [] };
    }
  }

  changed() {
    this.emit('change');
  }

  event(kind, text) {
    this.emit('event', { kind, text: this.live.redact(text), at: Date.now() });
  }

  /** Everything the browsers draw their controls from. */
  state() {
    const m = this.mixer;
    return {
      sampleRate: m.sampleRate,
      clock: m.clock,
      inputs: m.inputs.map((i) => ({
        id: i.id,
        name: i.name,
        source: this.sources.get(i.id) ?? '',
        gainDb: db(i.gainDb),
        pan: i.pan,
        muted: i.muted,
        solo: i.solo,
        eq: { enabled: i.eq.enabled, low: i.eq.low.gainDb, mid: i.eq.mid.gainDb, high: i.eq.high.gainDb },
        compressor: { enabled: i.compressor.enabled, thresholdDb: i.compressor.thresholdDb, ratio: i.compressor.ratio },
      })),
      master: { gainDb: db(m.master.gainDb), limiter: m.master.limiter.enabled },
      record: this.recording.snapshot(),
      live: this.live.snapshot(),
      devices: this.devices,
    };
  }

  metrics() {
    return this.mixer.metrics();
  }

  async close() {
    await this.mixer.close(); // completes a recording in progress, stops the stream
  }
}

module.exports = { MixerSession, DEFAULT_INPUTS };
