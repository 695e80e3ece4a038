#!/usr/bin/env node
// npm "install" script: use the prebuilt binary (prebuilds/, see scripts/prebuild.js) or an
// earlier local build when one loads and matches this package's version; otherwise build from
// source with cmake-js, which (with node-addon-api) is then needed: they are optional peer
// dependencies, so an install from a prebuilt binary downloads and compiles nothing.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const version = require(path.join(root, 'package.json')).version;
const setupHint =
  `It needs cmake >= 3.20, a C++20 compiler, moodycamel readerwriterqueue headers and the codecs' static\n` +
  `libraries (Debian/Ubuntu: sudo bash ${path.join('node_modules', 'ringmix', 'scripts', 'setup.sh')} --system,\n` +
  `or apt-get install cmake g++ libreaderwriterqueue-dev portaudio19-dev libflac-dev libogg-dev libopus-dev\n` +
  `libmp3lame-dev), then run: npm rebuild ringmix`;

function loadsAndMatches() {
  try {
    const addon = require('node-gyp-build')(root);
    return addon.info().version === version;
  } catch {
    return false;
  }
}

function resolveFrom(name) {
  try {
    return require.resolve(name, { paths: [root] });
  } catch {
    return null;
  }
}

const forceBuild = process.env.npm_config_build_from_source === 'true';
if (!forceBuild && loadsAndMatches()) process.exit(0);

const cmakeJs = resolveFrom('cmake-js/bin/cmake-js');
if (cmakeJs === null || resolveFrom('node-addon-api') === null) {
  console.error(
    `\nringmix: no prebuilt binary for ${process.platform}-${process.arch} loads here, so the addon must be\n` +
      `built from source, which needs cmake-js and node-addon-api: npm install cmake-js node-addon-api\n` +
      `${setupHint}\n`,
  );
  process.exit(1);
}
const res = spawnSync(process.execPath, [cmakeJs, 'rebuild', '--log-level', 'warn'], { cwd: root, stdio: 'inherit' });
if (res.status !== 0) {
  console.error(`\nringmix: building the native addon failed. ${setupHint}\n`);
  process.exit(res.status ?? 1);
}
