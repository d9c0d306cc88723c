// Bundles the extension and the language server into dist/ with esbuild, for the packaged extension: one file
// each, so the .vsix needs no node_modules.
//
//   node scripts/bundle.mjs            minified, no source maps (what the .vsix ships)
//   node scripts/bundle.mjs --dev      readable output with linked source maps, for debugging the bundle
//
// The engine is imported by its package name; its `source` export condition points esbuild at the TypeScript
// sources, so a bundle never contains stale `tsc` output and bundling needs no prior build.
//
// Next to the bundles: dist/ThirdPartyNotices.txt (every npm package bundled, from esbuild's metafiles, with its
// version and licence text; the .vsix ships it) and dist/bundled-packages.json (the same list, for the tests;
// not shipped).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledPackages, noticesText } from './notices.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  sourcesContent: false,
  logLevel: 'warning',
  conditions: ['source'],
  absWorkingDir: root,
};

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const results = await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], metafile: true }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', metafile: true }),
]);
for (const r of results) {
  for (const [file, info] of Object.entries(r.metafile.outputs)) {
    if (!file.endsWith('.map')) console.log(`${file}  ${(info.bytes / 1024).toFixed(0)} KiB`);
  }
}
const packages = bundledPackages(results.map((r) => r.metafile), root);
fs.writeFileSync(path.join(root, 'dist', 'ThirdPartyNotices.txt'), noticesText(packages));
fs.writeFileSync(
  path.join(root, 'dist', 'bundled-packages.json'),
  JSON.stringify(packages.map(({ name, version, license, licenceFile }) => ({ name, version, license, licenceFile })), null, 2) + '\n',
);
console.log(`dist/ThirdPartyNotices.txt  ${packages.length} packages`);
