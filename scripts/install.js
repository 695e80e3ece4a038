#!/usr/bin/env node
// npm "install" script: use a prebuilt binary (prebuilds/) or an earlier local build when one loads
// and matches this package's version; otherwise build from source with cmake-js.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const version = require(path.join(root, 'package.json')).version;

function loadsAndMatches() {
  try {
    const addon = require('node-gyp-build')(root);
    return addon.info().version === version;
  } catch {
    return false;
  }
}

const forceBuild = process.env.npm_config_build_from_source === 'true';
if (!forceBuild && loadsAndMatches()) process.exit(0);

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const res = spawnSync(process.execPath, [cmakeJs, 'rebuild', '--log-level', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (res.status !== 0) {
  console.error(
    '\nringmix: building the native addon failed. It needs cmake >= 3.20, a C++20 compiler and\n' +
      'moodycamel readerwriterqueue headers. On Debian/Ubuntu run: sudo bash ' +
      path.join('node_modules', 'ringmix', 'scripts', 'setup.sh') +
      '\n(or apt-get install cmake g++ libreaderwriterqueue-dev), then reinstall.\n',
  );
  process.exit(res.status ?? 1);
}
