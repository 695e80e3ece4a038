// CPU time of this process (every thread: the mixer's real-time thread, GC, libuv) and of the
// main JS thread alone, to measure what JS-side work costs against a baseline.
'use strict';
const fs = require('node:fs');

let schedstat = true;

/**
 * The calling thread's CPU time in seconds: /proc/thread-self/schedstat (ns), else
 * /proc/thread-self/stat (utime + stime, in 10 ms ticks), else null. Read from the main thread,
 * it is the main thread's.
 */
function threadCpuS() {
  try {
    if (schedstat) return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
  } catch {
    schedstat = false;
  }
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

function sample() {
  const u = process.cpuUsage();
  return { wallS: performance.now() / 1000, processS: (u.user + u.system) / 1e6, mainS: threadCpuS() };
}

/** CPU rates between two samples, in cores (1 = one core busy all the time). */
function rates(a, b) {
  const wall = b.wallS - a.wallS;
  return {
    wallS: wall,
    processCores: (b.processS - a.processS) / wall,
    mainCores: a.mainS === null || b.mainS === null ? null : (b.mainS - a.mainS) / wall,
  };
}

module.exports = { sample, rates, source: () => (schedstat ? '/proc/thread-self/schedstat' : '/proc/thread-self/stat') };
