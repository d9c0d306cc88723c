/**
 * The packaged extension, as a user installs it: `scripts/package.mjs` (what `npm run package` runs) writes a
 * .vsix into a temp folder, and this reads it back. Under 2 MB; third-party notices for every bundled npm
 * package; a manifest without the development fields, every path it names present; the icon and the message
 * bundle inside; the README's images left in the repository (linked absolutely), not shipped.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';

const REPO = path.resolve(__dirname, '..', '..', '..');
const MAX_VSIX_BYTES = 2 * 1024 * 1024;
/** A README image larger than this would bloat the .vsix: it stays in the repository. */
const MAX_SHIPPED_IMAGE_BYTES = 100 * 1024;

/** The entries of a zip archive (enough of the format for what vsce writes: stored or deflated entries). */
export function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 0 ? data : method === 8 ? zlib.inflateRawSync(data) : Buffer.alloc(0));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Every string in `value`, with its JSON path. */
function strings(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

/** Markdown without its code: fenced blocks and code spans (links written there are examples). */
function withoutCode(markdown: string): string {
  return markdown.replace(/^ {0,3}(`{3,}|~{3,})[^]*?^ {0,3}\1[`~]*$/gm, '').replace(/(`+)[^`]*?\1/g, '');
}

/** Words of a manifest string that read as a path to a file of the extension (`./dist/x.js`, `media/a.png`). */
function filePathsIn(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((w) => !/^[a-z][a-z0-9+.-]*:/i.test(w) && !/^%.*%$/.test(w))
    .filter((w) => /^(\.\/)?[\w@.-]+(\/[\w@ .-]+)*\.(js|cjs|mjs|json|png|svg|css|md|txt|html)$/i.test(w) && w.includes('/'));
}

describe('the packaged extension (.vsix)', function () {
  this.timeout(180_000);
  let dir: string;
  let entries: Map<string, Buffer>;
  let size: number;
  let manifest: Record<string, any>;
  const file = (rel: string): Buffer | undefined => entries.get(`extension/${rel.replace(/^\.\//, '')}`);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-vsix-test-'));
    const out = path.join(dir, 'ospo-notes.vsix');
    const res = cp.spawnSync(process.execPath, [path.join(REPO, 'scripts', 'package.mjs'), '--out', out], { cwd: REPO, encoding: 'utf8', timeout: 170_000 });
    assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    const zip = fs.readFileSync(out);
    size = zip.length;
    entries = readZip(zip);
    manifest = JSON.parse(file('package.json')!.toString('utf8'));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stays under 2 MB', () => {
    assert.ok(size < MAX_VSIX_BYTES, `${size} bytes`);
  });

  it('ships the bundles, the message bundle, the problem pages, the licence and the icon', () => {
    for (const rel of ['dist/extension.js', 'dist/server.js', 'l10n/bundle.l10n.json', 'package.nls.json', 'docs/diagnostics/unresolved-link.md', 'LICENSE.txt', manifest.icon]) {
      assert.ok(file(rel), `${rel} missing; entries: ${[...entries.keys()].join(', ')}`);
    }
    const icon = file(manifest.icon)!;
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual(file('l10n/bundle.l10n.json'), fs.readFileSync(path.join(REPO, 'l10n', 'bundle.l10n.json')));
  });

  it('ships third-party notices naming every bundled npm package with its version and licence text', () => {
    const notices = file('ThirdPartyNotices.txt')?.toString('utf8');
    assert.ok(notices, 'ThirdPartyNotices.txt missing');
    const bundled = JSON.parse(fs.readFileSync(path.join(REPO, 'dist', 'bundled-packages.json'), 'utf8')) as Array<{ name: string; version: string; license: string; licenceFile: string }>;
    assert.ok(bundled.length > 10, `${bundled.length} packages`);
    // The runtime dependencies the bundles import are among them, at the installed versions.
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    for (const name of Object.keys(pkg.dependencies)) {
      const version = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;
      assert.ok(bundled.some((b) => b.name === name && b.version === version), `${name}@${version} not listed as bundled`);
    }
    for (const b of bundled) {
      assert.ok(notices.includes(`\n${b.name}@${b.version}\nLicense: ${b.license}\n`), `${b.name}@${b.version} has no notice`);
      assert.ok(b.licenceFile, `${b.name} has no licence file`);
    }
    // And the text of a licence, as the package ships it.
    const yamlLicence = fs.readFileSync(path.join(REPO, 'node_modules', 'yaml', 'LICENSE'), 'utf8').trim();
    assert.ok(notices.includes(yamlLicence));
    // Nothing of the project's own code is listed as third-party.
    assert.ok(!bundled.some((b) => b.name.startsWith('@ospo-notes/')));
  });

  it('ships a manifest without development fields, every file it names present', async () => {
    const { DEV_ONLY_FIELDS } = await import(pathToFileURL(path.join(REPO, 'scripts', 'package.mjs')).href);
    for (const field of ['scripts', 'devDependencies', 'workspaces', 'bin', ...DEV_ONLY_FIELDS]) assert.equal(manifest[field], undefined, field);
    const named = strings(manifest).flatMap((s) => filePathsIn(s.text).map((p) => ({ at: s.at, p })));
    assert.ok(named.some((n) => n.at === 'main'), JSON.stringify(named));
    assert.ok(named.some((n) => n.at === 'icon'));
    assert.deepEqual(named.filter((n) => !file(n.p)).map((n) => `${n.at}: ${n.p}`), []);
    assert.ok(file(`${manifest.l10n}/bundle.l10n.json`));
    // The same check finds the development fields' files missing (so it would catch one left in).
    const source = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const sourceMissing = strings({ scripts: source.scripts, bin: source.bin }).flatMap((s) => filePathsIn(s.text)).filter((p) => !file(p));
    assert.ok(sourceMissing.includes('server/out/cli.js'), sourceMissing.join(', '));
  });

  it('links the README\'s images and pages into the repository, and ships no large image', () => {
    const readme = file('readme.md')!.toString('utf8');
    assert.match(readme, /npm ci && npm start/);
    const images = [...withoutCode(readme).matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.deepEqual(images.filter((src) => !src.startsWith(`${manifest.repository.url}/raw/main/`)), []);
    for (const [name, data] of entries) {
      if (/\.(png|jpe?g|gif|webp)$/i.test(name) && name !== `extension/${manifest.icon}`) {
        assert.ok(data.length <= MAX_SHIPPED_IMAGE_BYTES, `${name}: ${data.length} bytes`);
      }
      assert.ok(!name.startsWith('extension/docs/images/'), name);
    }
  });

  it('leaves links written inside code as they are', async () => {
    const { absoluteReadmeLinks } = await import(pathToFileURL(path.join(REPO, 'scripts', 'package.mjs')).href);
    const base = 'https://example.org/r';
    const text = ['See [docs](docs/a.md#x) and ![tour](docs/images/t.png "T").', 'Write `[x](Note.md)`; [web](https://a.b) [top](#top)', '```md', '[y](inside.md)', '```'].join('\n');
    assert.equal(
      absoluteReadmeLinks(text, base),
      ['See [docs](https://example.org/r/blob/main/docs/a.md#x) and ![tour](https://example.org/r/raw/main/docs/images/t.png "T").', 'Write `[x](Note.md)`; [web](https://a.b) [top](#top)', '```md', '[y](inside.md)', '```'].join('\n'),
    );
  });
});
