// The README's tour pictures: runs the real-editor tests (code-server + Chromium; tools from
// `bash scripts/editor-tools.sh`), which save their screenshots into test-artifacts/editor/, and copies the
// ones named tour-<feature>.png into docs/images/.
//
//   npm run screenshots                       every real-editor test
//   npm run screenshots -- rename extension   only test/out/editor/{rename,extension}.test.js
//
// Then it lists the tour pictures the README shows that no test took.
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'test-artifacts', 'editor');
const images = path.join(root, 'docs', 'images');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(cmd, args) {
  const res = cp.spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return res.status ?? 1;
}

if (run(npm, ['run', 'build', '--silent']) !== 0) process.exit(1);
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const specs = only.length > 0 ? only.map((n) => `test/out/editor/${n.replace(/(\.test)?\.(ts|js)$/, '')}.test.js`) : ['test/out/editor/**/*.test.js'];
// Old pictures must not pass for new ones.
for (const f of fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : []) if (/^tour-.*\.png$/.test(f)) fs.rmSync(path.join(artifacts, f));
const status = run(npx, ['mocha', '--no-config', '--exit', '--timeout', '300000', ...specs]);

fs.mkdirSync(images, { recursive: true });
const taken = (fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : []).filter((f) => /^tour-[\w-]+\.png$/.test(f)).sort();
for (const f of taken) {
  fs.copyFileSync(path.join(artifacts, f), path.join(images, f));
  console.log(`docs/images/${f}  ${(fs.statSync(path.join(images, f)).size / 1024).toFixed(0)} KiB`);
}
const shown = [...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/docs\/images\/(tour-[\w-]+\.png)/g)].map((m) => m[1]);
const missing = [...new Set(shown)].filter((f) => !fs.existsSync(path.join(images, f)));
if (missing.length > 0) console.log(`the README shows pictures no test took yet: ${missing.join(', ')}`);
if (taken.length === 0) console.log('no tour-*.png was taken (were the editor tools there? see the skipped lines above)');
process.exit(status);
