#!/usr/bin/env node
// prebuildify's build step (it passes node-gyp's arguments, which do not apply: the addon is
// N-API, one binary for every Node version). Builds the addon with cmake-js as `npm install`
// would, incrementally: a tree already configured and built (CI, a developer's checkout) is
// only checked, not rebuilt. Then hands a copy to prebuildify (below). The C++ runtime is linked statically (RINGMIX_STATIC_RUNTIME, on by
// default); scripts/prebuild.js checks the result.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const r = spawnSync(process.execPath, [cmakeJs, 'build', '--log-level', 'warn', '--CDRINGMIX_STATIC_RUNTIME=ON'], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);
// prebuildify takes (and moves) the binary from its own working directory's build/Release: a
// staging directory (scripts/prebuild.js), so the developer's build/Release stays as it is.
const staged = path.join(process.cwd(), 'build', 'Release');
fs.mkdirSync(staged, { recursive: true });
fs.copyFileSync(path.join(root, 'build', 'Release', 'ringmix.node'), path.join(staged, 'ringmix.node'));
