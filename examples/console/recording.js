// The record button: one recording at a time, into --record-dir under a generated name. Its path
// goes to the browsers (the recording is on this machine, where the console runs).
'use strict';
const path = require('node:path');
const { ProtocolError } = require('./protocol');

/** A file name that sorts by time and never collides with an earlier take. */
function takeName(format) {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const suffix = Math.random().toString(36).slice(2, 8);
  return `ringmix-console-${stamp}-${suffix}.${format === 'opus' ? 'opus' : format}`;
}

class Recording {
  /** @param {{ mixer: import('ringmix').Mixer, dir: string, format: string, changed: () => void, event: (kind: string, text: string) => void }} o */
  constructor(o) {
    this.o = o;
    this.recorder = null;
    /** What the browsers show: idle | recording | stopping | stopped | failed, and the last take. */
    this.status = { status: 'idle', path: null, frames: 0, seconds: 0, dropouts: 0, error: null };
  }

  start() {
    if (this.recorder !== null) throw new ProtocolError('ERR_STATE', 'already recording');
    const file = path.join(this.o.dir, takeName(this.o.format));
    // record() throws a coded RecordingError (ERR_RECORDING) for a directory it cannot write to:
    // the session turns that into an error reply, and the mix goes on.
    const recorder = this.o.mixer.record({ path: file, format: this.o.format, metadata: { title: 'ringmix console', software: 'ringmix' } });
    this.recorder = recorder;
    this.status = { status: 'recording', path: file, frames: 0, seconds: 0, dropouts: 0, error: null };
    recorder.on('dropout', ({ lostFrames }) => {
      this.status.dropouts++;
      this.o.event('dropout', `recorder fell behind: ${lostFrames} frames written as silence`);
    });
    recorder.on('error', (err) => {
      this.recorder = null;
      this.status = { ...this.status, status: 'failed', error: `${err.code}: ${err.message}` };
      this.o.event('error', `recording failed: ${err.code} ${err.message}`);
      this.o.changed();
    });
    this.o.event('record', `recording to ${file}`);
    this.o.changed();
  }

  async stop() {
    const recorder = this.recorder;
    if (recorder === null) throw new ProtocolError('ERR_STATE', 'not recording');
    this.recorder = null;
    this.status = { ...this.status, status: 'stopping' };
    this.o.changed();
    const result = await recorder.stop();
    const seconds = result.frames / this.o.mixer.sampleRate;
    this.status = { ...this.status, status: 'stopped', frames: result.frames, seconds, dropouts: result.dropouts };
    this.o.event('record', `recorded ${seconds.toFixed(1)} s to ${this.status.path}`);
    this.o.changed();
  }

  /** The frames written so far, for the status line while recording. */
  snapshot() {
    if (this.recorder !== null) this.status.frames = this.recorder.frames;
    return { ...this.status };
  }
}

module.exports = { Recording };
