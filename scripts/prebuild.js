#!/usr/bin/env node
// npm run prebuild: the prebuilt binary for this platform, in prebuilds/<platform>-<arch>/ with
// prebuildify's naming (N-API, tagged with the C library), which node-gyp-build loads and
// scripts/install.js uses instead of compiling. One binary serves every Node version with N-API 8.
//
// On Linux it then checks what the binary needs at load time, and fails if that is anything but
// the C library (libstdc++ and every codec are linked in; PortAudio is loaded at run time only
// when a device is used), and prints the oldest glibc it loads on: the newest GLIBC_x.y symbol
// version it references. A build links against the glibc of the machine it is made on: build on
// the oldest distribution you want to support (.github/workflows/prebuild.yml says which).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const prebuildify = require('prebuildify');

const root = path.join(__dirname, '..');
// What a Node addon may need on a glibc system: the C library and its parts, the kernel's vDSO.
const C_RUNTIME = /^(libc|libm|libdl|libpthread|librt|ld-linux[-\w.]*|linux-vdso)\.so/;

function objdump(args, file) {
  try {
    return execFileSync('objdump', [...args, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** The shared libraries `file` needs (DT_NEEDED) and the newest glibc symbol version it uses. */
function linuxNeeds(file) {
  const headers = objdump(['-p'], file);
  const symbols = objdump(['-T'], file);
  if (headers === null || symbols === null) return null;
  const needed = [...headers.matchAll(/^\s*NEEDED\s+(\S+)/gm)].map((m) => m[1]);
  const versions = [...new Set([...symbols.matchAll(/\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => m.slice(1, 3).map(Number)))];
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions.at(-1);
  return { needed, glibc: newest ? `${newest[0]}.${newest[1]}` : null };
}

// prebuildify works in a staging directory (its binary is taken from there, see
// prebuild-backend.js) and writes prebuilds/ here. It names the binary after the package.
const stage = path.join(root, 'build', 'prebuild-stage');
fs.mkdirSync(stage, { recursive: true });
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: require('../package.json').name }));

prebuildify(
  {
    cwd: stage,
    out: root,
    napi: true,
    strip: true,
    tagLibc: process.platform === 'linux',
    shell: true, // nodeGyp is a command line (node and our script), not a program
    nodeGyp: `"${process.execPath}" "${path.join(__dirname, 'prebuild-backend.js')}"`,
  },
  (err) => {
    if (err) {
      console.error(`ringmix prebuild: ${err.message}`);
      process.exit(1);
    }
    const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.node'));
    for (const f of files) {
      const file = path.join(dir, f);
      const size = (fs.statSync(file).size / 1e6).toFixed(1);
      const rel = path.relative(root, file);
      if (process.platform !== 'linux') {
        console.log(`${rel} (${size} MB)`);
        continue;
      }
      const needs = linuxNeeds(file);
      if (needs === null) {
        console.log(`${rel} (${size} MB); objdump not found: its dependencies were not checked`);
        continue;
      }
      console.log(`${rel} (${size} MB): needs ${needs.needed.join(', ')}; glibc >= ${needs.glibc}`);
      const extra = needs.needed.filter((n) => !C_RUNTIME.test(n));
      if (extra.length > 0) {
        console.error(`ringmix prebuild: ${rel} needs ${extra.join(', ')} at load time; a prebuild may need only the C library`);
        process.exit(1);
      }
    }
  },
);
