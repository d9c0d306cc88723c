// Bundles the extension and the language server into dist/ with esbuild, for the packaged extension: one file
// each, so the .vsix needs no node_modules.
//
//   node scripts/bundle.mjs            minified, no source maps (what the .vsix ships)
//   node scripts/bundle.mjs --dev      readable output with linked source maps, for debugging the bundle
//
// The sources import the other project's compiled output (`../../server/out/core/...`, as tsc's project
// references require); here those imports are read from the TypeScript sources instead, so a bundle never
// contains stale `tsc` output and bundling needs no prior build.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

/** `…/server/out/x` → `…/server/src/x.ts` when that source exists. */
const compiledToSource = {
  name: 'compiled-to-source',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(server|client)\/out\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      const rel = path.relative(root, target).split(path.sep);
      if (rel.length < 3 || rel[1] !== 'out' || (rel[0] !== 'server' && rel[0] !== 'client')) return undefined;
      const source = path.join(root, rel[0], 'src', ...rel.slice(2));
      for (const candidate of [`${source}.ts`, path.join(source, 'index.ts')]) {
        if (fs.existsSync(candidate)) return { path: candidate };
      }
      return undefined;
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [compiledToSource],
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
