// Third-party notices for the bundle: every npm package whose code esbuild put into dist/ (read from esbuild's
// metafile), with its version, its licence and the licence text it ships. A package without a licence file
// makes the bundle fail: its code must not be shipped without the notice its licence asks for.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package folder an input of the metafile lies in (`…/node_modules/<name>` or `…/node_modules/@scope/name`). */
export function packageFolderOf(input) {
  const m = input.replace(/\\/g, '/').match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  return m ? m[1] : undefined;
}

// LICENSE, LICENSE.md, LICENCE.txt, LICENSE-MIT, LICENSE-MIT.txt, COPYING …
const LICENCE_FILE = /^(licen[cs]e|copying)([-.][a-z0-9.-]+)?$/i;

/**
 * The bundled packages of the metafiles' inputs (paths relative to `root`), sorted by name and version: `{ name,
 * version, license, licenceFile, licenceText, folder }`. Two copies of one version count once.
 */
export function bundledPackages(metafiles, root) {
  const folders = new Set();
  for (const meta of metafiles) for (const input of Object.keys(meta.inputs)) {
    const folder = packageFolderOf(input);
    if (folder) folders.add(folder);
  }
  const byId = new Map();
  for (const folder of folders) {
    const dir = path.resolve(root, folder);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const id = `${pkg.name}@${pkg.version}`;
    if (byId.has(id)) continue;
    const licenceFile = fs.readdirSync(dir).filter((f) => LICENCE_FILE.test(f)).sort()[0];
    const license = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type ?? (Array.isArray(pkg.licenses) ? pkg.licenses.map((l) => l.type).join(' OR ') : undefined);
    byId.set(id, {
      name: pkg.name,
      version: pkg.version,
      license: license ?? 'UNKNOWN',
      licenceFile,
      licenceText: licenceFile ? fs.readFileSync(path.join(dir, licenceFile), 'utf8').replace(/\r\n?/g, '\n').trim() : undefined,
      folder,
    });
  }
  return [...byId.values()].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version, "en", { numeric: true }) : a.name < b.name ? -1 : 1));
}

/** ThirdPartyNotices.txt for `packages`; throws when one has no licence text. */
export function noticesText(packages, product = 'OSPO Notes') {
  const without = packages.filter((p) => !p.licenceText);
  if (without.length > 0) throw new Error(`no licence file in ${without.map((p) => `${p.name}@${p.version} (${p.folder})`).join(', ')}`);
  const rule = '-'.repeat(78);
  const head = [
    `${product}: third-party notices`,
    '',
    `${product} bundles the following npm packages into its extension and language server (dist/). Each is`,
    'listed with its version, its licence, and the licence text it ships with.',
    '',
    ...packages.map((p) => `  ${p.name}@${p.version} (${p.license})`),
    '',
  ];
  const bodies = packages.flatMap((p) => [rule, `${p.name}@${p.version}`, `License: ${p.license}`, '', p.licenceText, '']);
  return [...head, ...bodies].join('\n');
}
