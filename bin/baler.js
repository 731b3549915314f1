#!/usr/bin/env node
// Thin launcher: the CLI is bundled by esbuild into dist/cli.js (npm run build).
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  console.error('baler: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname));
  process.exit(2);
}
require(bundle).runAsProgram();
