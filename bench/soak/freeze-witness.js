// The machine's freeze witness: a process pinned to one CPU (by its parent) that notices when time
// passes without it running although the guest's scheduler believes it was (freezes.ts explains
// why the soak needs this). `node freeze-witness.js busy` spins (the soak's CPU hog); `... idle`
// sleeps a millisecond at a time. After each millisecond it reads its own run_delay from
// /proc/self/schedstat (the time it waited on a runqueue: the guest preempting it, our SCHED_FIFO
// threads included); wall time minus that minus the millisecond is time the host took. A gap of
// at least the threshold is printed as "<epoch ms when it started> <ms hidden>".
// Plain JS (run by node directly, no ts-jest): a few microseconds per check.
'use strict';
const fs = require('node:fs');

const mode = process.argv[2];
if (mode !== 'busy' && mode !== 'idle') {
  process.stderr.write('usage: node freeze-witness.js busy|idle [threshold ms]\n');
  process.exit(2);
}
const STEP_MS = 1;
const THRESHOLD_MS = Number(process.argv[3] ?? '5');

const fd = fs.openSync('/proc/self/schedstat', 'r');
const buf = Buffer.alloc(128);
/** ms this process has waited on a runqueue since it started (schedstat's second field, ns). */
function runDelayMs() {
  // Parsed from the bytes: no strings, so no garbage whose collection would pass for a freeze.
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  let i = buf.indexOf(0x20) + 1;
  let ns = 0;
  for (; i < n && buf[i] >= 0x30 && buf[i] <= 0x39; i++) ns = ns * 10 + (buf[i] - 0x30);
  return ns / 1e6;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
let t0 = performance.now();
let d0 = runDelayMs();
for (;;) {
  if (mode === 'idle') Atomics.wait(sleeper, 0, 0, STEP_MS);
  else while (performance.now() - t0 < STEP_MS);
  const t = performance.now();
  const d = runDelayMs();
  const hidden = t - t0 - (d - d0) - STEP_MS;
  // Pipes are synchronous for a process's stdout on Linux: the line is out before the next check.
  if (hidden >= THRESHOLD_MS) process.stdout.write(`${(Date.now() - (t - t0)).toFixed(1)} ${hidden.toFixed(2)}\n`);
  t0 = t;
  d0 = d;
}
