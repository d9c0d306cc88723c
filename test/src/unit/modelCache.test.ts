/**
 * The on-disk model cache (engine io/modelCache.ts, io/modelCodec.ts): what is stored reads back equal; a
 * changed file, a truncated or damaged cache, another format, engine or parse setting is never trusted; two
 * writers never leave a broken file; and a warm start after edits, deletions and additions (one edit keeping the
 * size and modification time) builds the index a fresh start builds, model by model.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import {
  cacheKey,
  contentHash,
  defaultCacheFolder,
  ENGINE_VERSION,
  loadVault,
  MODEL_CACHE_FORMAT,
  ModelCache,
  type NoteModel,
  parseBytes,
  PlainDecoder,
  PlainEncoder,
  type VaultIndex,
} from '@ospo-notes/engine';
import { prng } from '../support/prng';
import { indexSnapshot } from '../support/vaults';
import { tempDir } from '../support/tempDirs';

const REPO = path.resolve(__dirname, '../../..');

function cacheTempDir(label: string): string {
  return tempDir(`ospo-cache-${label}-`);
}

/** Whole seconds: a time set back after an edit is then exactly the time before it (no sub-millisecond loss). */
const FIXED_TIME = 1_700_000_000;

/** Writes files (path → content), each with the modification time {@link FIXED_TIME}. */
function writeVault(root: string, files: Record<string, string | Buffer>): void {
  for (const [p, text] of Object.entries(files)) {
    const abs = path.join(root, ...p.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    fs.utimesSync(abs, FIXED_TIME, FIXED_TIME);
  }
}

/** Writes new bytes of the same length into a file and sets its times back: size and mtime cannot tell. */
function editKeepingSizeAndTime(abs: string, text: string): void {
  const before = fs.statSync(abs, { bigint: true });
  assert.equal(Buffer.byteLength(text), Number(before.size));
  fs.writeFileSync(abs, text);
  fs.utimesSync(abs, FIXED_TIME, FIXED_TIME);
  const after = fs.statSync(abs, { bigint: true });
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeNs, before.mtimeNs);
}

/** Notes that between them give every optional field of the model a value. */
const SAMPLE_NOTES: Record<string, string | Buffer> = {
  'Full.md': [
    '---',
    'title: Full note',
    'aliases: [Whole, "Entire"]',
    'tags: [one, two/three]',
    'visibility: public',
    'nested: { a: [1, 2.5, -3, null, true], b: { c: x } }',
    'block: |',
    '  text',
    '---',
    '# Heading ^hid',
    '',
    'A [[Other#Sub|shown]] and [[#Heading]] and ![[pic.png]] and [md](Other.md#Sub) and [web](https://x.org).',
    'A [[<% tp.file.title %>]] placeholder and #tag and `code [[no]]` and $x$. ^para',
    '',
    '> [!info]+ Title',
    '> body',
    '',
    '- item ^li',
    '',
    '| a | b |',
    '|---|---|',
    '| [[T\\|x]] | 2 |',
    '',
    '[ref]: Other.md',
    '',
    'cafÃ© %%hidden [[x]]%%',
    '',
    '```',
    '[[in code]]',
    '```',
    '## Sub',
    'Setext',
    '======',
  ].join('\n'),
  'Broken yaml.md': '---\ntitle: [unclosed\n---\ntext',
  'Bad utf8.md': Buffer.from([0x61, 0xff, 0x62, 0x0a]),
  'Binary.md': Buffer.from([0x61, 0x00, 0x62]),
  'Other.md': '# Sub\ntext',
};

/** The sample and a note over the link limit (`omittedLinks`): slow to parse, so only where every field counts. */
const SHAPE_NOTES: Record<string, string | Buffer> = { ...SAMPLE_NOTES, 'Many links.md': '[[a]] '.repeat(25010) };

/** Each object key's children, over every object reached (user data in `frontmatter.data` left out). */
function keyStructure(models: NoteModel[]): string {
  const shapes = new Map<string, Set<string>>();
  const visit = (v: unknown, name: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, `${name}[]`);
      return;
    }
    if (!v || typeof v !== 'object') return;
    let keys = shapes.get(name);
    if (!keys) shapes.set(name, (keys = new Set()));
    for (const [k, x] of Object.entries(v)) {
      keys.add(`${k}:${Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x}`);
      if (!(name === 'frontmatter' && k === 'data')) visit(x, k);
    }
  };
  for (const m of models) visit(m, 'model');
  return JSON.stringify([...shapes].map(([k, s]) => [k, [...s].sort()]).sort());
}

/**
 * The key structure of the model at each format version. When the model's shape changes, this test fails: bump
 * MODEL_CACHE_FORMAT (engine/src/io/modelCache.ts) and add the new structure's hash under the new version.
 */
const MODEL_SHAPES: Record<number, string> = {
  1: '79e31125d8f05657ef8de085ce84d5ba21e77087',
  2: '6292e4c454633d9f2e8a8538c47af1c37928d6a7',
  3: '8d1f0c11a0864b305167be9fdcd988bf5c53c677',
  4: 'e8c7a5e94f9389ef180bbf4cc521a76bc3ffb78a',
};

const snapshot = indexSnapshot;

function models(index: VaultIndex): Map<string, NoteModel> {
  return new Map([...index.notePaths()].sort().map((p) => [p, index.note(p)!]));
}

async function coldStart(root: string): Promise<VaultIndex> {
  return (await loadVault(root)).index;
}

async function cachedStart(root: string, dir: string, log: string[] = [], settings?: Record<string, unknown>): Promise<{ index: VaultIndex; cache: ModelCache }> {
  const cache = ModelCache.open({ dir, root, log: (l) => log.push(l), settings });
  const { index } = await loadVault(root, { cache });
  await cache.flush();
  return { index, cache };
}

/** Rewrites the JSON header of a cache file with `edit` applied. */
function editHeader(file: string, edit: (header: { key: { format: number; engine: string; parse: Record<string, unknown> } }) => void): void {
  const data = fs.readFileSync(file);
  const length = data.readUInt32LE(8);
  const header = JSON.parse(data.toString('utf8', 12, 12 + length));
  edit(header);
  const text = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(text.length);
  fs.writeFileSync(file, Buffer.concat([data.subarray(0, 8), len, text, data.subarray(12 + length)]));
}

describe('model cache: the codec', () => {
  it('reads back every kind of plain data exactly, strings and shapes shared', () => {
    const values: unknown[] = [
      { a: 1, b: -2, c: 2.5, d: -0, e: NaN, f: Infinity, g: -Infinity, h: 2 ** 53 - 1, i: -(2 ** 53) + 1, j: 1e300 },
      { s: '', t: 'ascii', u: 'ünïcødé', v: '📖 emoji', w: 'a\u0000b', x: '\uFFFD' },
      { n: null, u: undefined, t: true, f: false, arr: [1, [2, [3, []]], {}], empty: {} },
      JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "toString": "x"}'),
      Object.assign(Object.create(null), { bare: 1 }),
      [{ start: { line: 1, character: 2 }, end: { line: 1, character: 5 } }, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }],
    ];
    const many = Array.from({ length: 200 }, (_, i) => ({ line: i, character: i * 3, text: `t${i % 7}` }));
    values.push(many);
    const enc = new PlainEncoder();
    const encoded = values.map((v) => enc.encode(v));
    const dec = new PlainDecoder(enc.tables());
    for (let i = 0; i < values.length; i++) assert.deepStrictEqual(dec.decode(encoded[i]), values[i]);
    const proto = dec.decode(encoded[3]) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'an own __proto__ key does not set the prototype');
    assert.deepEqual(Object.keys(proto), ['__proto__', 'constructor', 'toString']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('writes an Int32Array (the packed block map) and reads it back as one, negative and extreme values included', () => {
    const values = new Int32Array([0, 1, -1, 63, -64, 64, 2 ** 31 - 1, -(2 ** 31), 123456, -654321]);
    const enc = new PlainEncoder();
    const encoded = enc.encode({ packed: values, empty: new Int32Array(0), after: 'x' });
    const back = new PlainDecoder(enc.tables()).decode(encoded) as Record<string, unknown>;
    assert.ok(back.packed instanceof Int32Array);
    assert.deepEqual(Array.from(back.packed as Int32Array), Array.from(values));
    assert.ok(back.empty instanceof Int32Array && (back.empty as Int32Array).length === 0);
    assert.equal(back.after, 'x');
  });

  it('refuses what is not plain data', () => {
    const enc = new PlainEncoder();
    assert.throws(() => enc.encode(new Map()), /not plain data/);
    assert.throws(() => enc.encode({ d: new Date() }), /not plain data/);
    assert.throws(() => enc.encode(new Uint8Array(2)), /not plain data/);
    assert.throws(() => enc.encode({ a: new Float64Array(2) }), /not plain data/);
    assert.throws(() => enc.encode({ f: () => 1 }), /not plain data/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => enc.encode(cycle), /nested too deeply/);
  });
});

describe('model cache: encoding in slices', () => {
  it('writes what the one-step encoding writes, pausing inside a big model\'s lists', async () => {
    const text = Array.from({ length: 6000 }, (_, i) => `- item ${i} [[WHO]] [[nope ${i}]] ^b${i}\n`).join('');
    const model = parseBytes('Big.md', Buffer.from(text));
    const whole = new PlainEncoder();
    const sliced = new PlainEncoder();
    let pauses = 0;
    const a = whole.encode(model);
    const b = await sliced.encodeInSlices(model, async () => void pauses++, 0);
    assert.ok(a.equals(b), 'the same bytes');
    assert.ok(whole.tables().equals(sliced.tables()), 'the same tables');
    assert.ok(pauses >= 100, `${pauses} pauses`);
    assert.deepStrictEqual(new PlainDecoder(sliced.tables()).decode(b), model);
  });

  it('a big model\'s kept encoding stays valid in later writes, whose table has grown', async () => {
    const root = cacheTempDir('vault');
    const big = Array.from({ length: 3000 }, (_, i) => `- item ${i} [[WHO]] [[nope ${i}]]\n`).join('');
    writeVault(root, { 'Big.md': big, 'WHO.md': '# WHO\n' });
    const dir = cacheTempDir('dir');
    const first = await cachedStart(root, dir);
    // New strings enter the table after the big model's encoding was kept.
    for (let i = 0; i < 3; i++) {
      const bytes = Buffer.from(`# new ${i}\n[[other ${i}]] #tag${i}\n`);
      first.cache.put(`New ${i}.md`, contentHash(bytes), parseBytes(`New ${i}.md`, bytes));
      await first.cache.flush();
    }
    const reread = await ModelCache.load({ dir, root });
    assert.equal(reread.status.state, 'read');
    assert.deepStrictEqual(reread.take('Big.md', contentHash(Buffer.from(big))), first.index.note('Big.md'));
    const bytes = Buffer.from('# new 2\n[[other 2]] #tag2\n');
    assert.deepStrictEqual(reread.take('New 2.md', contentHash(bytes)), parseBytes('New 2.md', bytes));
  });
});

describe('model cache', () => {
  it('stores models that read back equal to a fresh parse, and a warm start parses nothing', async () => {
    const root = cacheTempDir('vault');
    writeVault(root, SHAPE_NOTES);
    const dir = cacheTempDir('dir');
    const log: string[] = [];
    const first = await cachedStart(root, dir, log);
    assert.equal(first.cache.status.state, 'rebuilt');
    assert.equal(first.cache.status.reason, 'no cache yet');
    assert.equal(first.cache.status.hits, 0);
    assert.equal(first.cache.status.writes, 1);
    assert.ok(fs.existsSync(first.cache.file));
    const second = await cachedStart(root, dir, log);
    assert.equal(second.cache.status.state, 'read');
    const notes = Object.keys(SHAPE_NOTES).length;
    assert.equal(second.cache.status.hits, notes);
    assert.equal(second.cache.status.misses, 0);
    assert.equal(second.cache.status.writes, 0, 'nothing changed: nothing written');
    assert.deepStrictEqual(models(second.index), models(await coldStart(root)));
    assert.equal(snapshot(second.index), snapshot(await coldStart(root)));
    assert.match(log[0], /no cache yet: rebuilding it$/);
    assert.match(log[1], new RegExp(`^model cache: ${notes} notes stored in `));
  });

  it('parses a note again when its bytes change, whatever its size and modification time say', async () => {
    const root = cacheTempDir('vault');
    writeVault(root, { 'A.md': 'link to [[B]]\n', 'B.md': '# B\n', 'C.md': 'plain\n' });
    const dir = cacheTempDir('dir');
    await cachedStart(root, dir);
    editKeepingSizeAndTime(path.join(root, 'A.md'), 'link to [[C]]\n');
    const warm = await cachedStart(root, dir);
    assert.equal(warm.cache.status.hits, 2);
    assert.equal(warm.cache.status.misses, 1);
    assert.equal(warm.index.note('A.md')!.links[0].path, 'C');
    assert.deepStrictEqual(models(warm.index), models(await coldStart(root)));
  });

  it('reading without blocking finds what reading at once finds, and rejects the same damage', async () => {
    const root = cacheTempDir('vault');
    writeVault(root, SAMPLE_NOTES);
    const dir = cacheTempDir('dir');
    const { cache } = await cachedStart(root, dir);
    let turns = 0;
    const loaded = await ModelCache.load({ dir, root }, async () => void turns++);
    assert.equal(loaded.status.state, 'read');
    assert.equal(loaded.status.stored, Object.keys(SAMPLE_NOTES).length);
    assert.ok(turns >= 1);
    const { index } = await loadVault(root, { cache: loaded });
    assert.deepStrictEqual(models(index), models(await coldStart(root)));
    const data = fs.readFileSync(cache.file);
    data[data.length - 1] ^= 0x40;
    fs.writeFileSync(cache.file, data);
    const damagedLoad = await ModelCache.load({ dir, root });
    assert.equal(damagedLoad.status.state, 'rebuilt');
    assert.equal(damagedLoad.status.reason, 'corrupted (checksum mismatch)');
  });

  it('take: a hash that does not match is a miss', () => {
    const root = cacheTempDir('vault');
    const dir = cacheTempDir('dir');
    const cache = ModelCache.open({ dir, root });
    const model = parseBytes('N.md', Buffer.from('[[x]]'));
    cache.put('N.md', contentHash(Buffer.from('[[x]]')), model);
    assert.equal(cache.take('N.md', contentHash(Buffer.from('[[y]]'))), undefined);
    assert.equal(cache.take('N.md', contentHash(Buffer.from('[[x]]'))), model);
    assert.equal(cache.take('Other.md', contentHash(Buffer.from('[[x]]'))), undefined);
    assert.deepEqual([cache.status.hits, cache.status.misses], [1, 2]);
  });

  async function damaged(damage: (file: string) => void, reason: RegExp): Promise<void> {
    const root = cacheTempDir('vault');
    writeVault(root, SAMPLE_NOTES);
    const dir = cacheTempDir('dir');
    const { cache } = await cachedStart(root, dir);
    damage(cache.file);
    const log: string[] = [];
    const again = await cachedStart(root, dir, log);
    assert.equal(again.cache.status.state, 'rebuilt');
    assert.match(again.cache.status.reason ?? '', reason);
    assert.equal(again.cache.status.hits, 0, 'nothing is taken from a cache that is not trusted');
    assert.equal(log.length, 1, log.join('\n'));
    assert.match(log[0], /rebuilding it$/);
    assert.deepStrictEqual(models(again.index), models(await coldStart(root)));
    // Rebuilt: the next start reads it.
    const third = await cachedStart(root, dir);
    assert.equal(third.cache.status.state, 'read');
    assert.equal(third.cache.status.misses, 0);
  }

  it('a truncated file is rebuilt', async () => {
    await damaged((f) => fs.truncateSync(f, fs.statSync(f).size - 7), /^truncated$/);
    await damaged((f) => fs.truncateSync(f, 10), /truncated/);
    await damaged((f) => fs.truncateSync(f, 0), /truncated/);
  });

  it('a flipped byte is caught by the checksum', async () => {
    await damaged((f) => {
      const data = fs.readFileSync(f);
      const at = data.length - 100;
      data[at] ^= 0x10;
      fs.writeFileSync(f, data);
    }, /^corrupted \(checksum mismatch\)$/);
    await damaged((f) => {
      const data = fs.readFileSync(f);
      data[14] ^= 0x01; // inside the JSON header
      fs.writeFileSync(f, data);
    }, /corrupted|written|parse settings/);
    await damaged((f) => fs.writeFileSync(f, 'not a cache'), /not a model cache file/);
  });

  it('another format or engine version is rebuilt', async () => {
    await damaged((f) => editHeader(f, (h) => (h.key.format = MODEL_CACHE_FORMAT + 1)), new RegExp(`^written in model format ${MODEL_CACHE_FORMAT + 1}, not ${MODEL_CACHE_FORMAT}$`));
    await damaged((f) => editHeader(f, (h) => (h.key.engine = '0.0.1')), new RegExp(`^written by engine 0.0.1, not ${ENGINE_VERSION.replace(/\./g, '\\.')}$`));
    await damaged((f) => editHeader(f, (h) => ((h.key as { build?: string }).build = 'other')), /^written by another build of the engine$/);
    await damaged((f) => editHeader(f, (h) => (h.key.parse.maxNoteLinks = 1)), /^parse settings changed \(maxNoteLinks\)$/);
  });

  it('a changed parse setting is rebuilt', async () => {
    const root = cacheTempDir('vault');
    writeVault(root, { 'A.md': '[[B]]' });
    const dir = cacheTempDir('dir');
    await cachedStart(root, dir, [], { dialect: 'obsidian' });
    const same = await cachedStart(root, dir, [], { dialect: 'obsidian' });
    assert.equal(same.cache.status.state, 'read');
    const log: string[] = [];
    const changed = await cachedStart(root, dir, log, { dialect: 'commonmark' });
    assert.equal(changed.cache.status.state, 'rebuilt');
    assert.equal(changed.cache.status.reason, 'parse settings changed (dialect)');
    assert.equal(changed.cache.status.hits, 0);
    assert.match(log[0], /parse settings changed \(dialect\): rebuilding it/);
  });

  it('two writers at once leave one whole file, never a mix or a temporary file', async () => {
    const root = cacheTempDir('vault');
    writeVault(root, { 'A.md': '[[B]]', 'B.md': '# B' });
    const dir = cacheTempDir('dir');
    const texts = ['one [[A]]', 'two [[B]] and more'];
    for (let round = 0; round < 5; round++) {
      fs.rmSync(ModelCache.open({ dir, root }).file, { force: true });
      const writers = texts.map((t, i) => {
        const c = ModelCache.open({ dir, root, sliceMs: 0 });
        for (let n = 0; n < 200; n++) c.put(`W${i}/${n}.md`, contentHash(Buffer.from(t + n)), parseBytes(`W${i}/${n}.md`, Buffer.from(t + n)));
        return c;
      });
      await Promise.all(writers.map((w) => w.flush()));
      const reader = ModelCache.open({ dir, root });
      assert.equal(reader.status.state, 'read', reader.status.reason);
      assert.equal(reader.status.stored, 200);
      const winner = reader.take('W0/0.md', contentHash(Buffer.from(texts[0] + 0))) ? 0 : 1;
      for (let n = 0; n < 200; n++) {
        const bytes = Buffer.from(texts[winner] + n);
        assert.deepStrictEqual(reader.take(`W${winner}/${n}.md`, contentHash(bytes)), parseBytes(`W${winner}/${n}.md`, bytes));
      }
    }
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  });

  it('is bounded in size: notes beyond the bound are left out and said so', async () => {
    const root = cacheTempDir('vault');
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`N${i}.md`] = `# N${i}\n` + `[[N${(i + 1) % 50}]] text `.repeat(50);
    writeVault(root, files);
    const dir = cacheTempDir('dir');
    const log: string[] = [];
    const cache = ModelCache.open({ dir, root, log: (l) => log.push(l), maxBytes: 4000 });
    await loadVault(root, { cache });
    await cache.flush();
    assert.ok(fs.statSync(cache.file).size < 20000, `${fs.statSync(cache.file).size}`);
    assert.ok(log.some((l) => /bounded at .*: \d+ notes not stored/.test(l)), log.join('\n'));
    const again = await cachedStart(root, dir);
    assert.ok(again.cache.status.hits > 0 && again.cache.status.misses > 0, JSON.stringify(again.cache.status));
    assert.equal(snapshot(again.index), snapshot(await coldStart(root)));
  });

  it('names one file per vault by its real root, in the XDG cache folder by default', () => {
    const a = cacheTempDir('vault');
    const link = path.join(cacheTempDir('link'), 'v');
    fs.symlinkSync(a, link);
    const dir = cacheTempDir('dir');
    assert.equal(ModelCache.open({ dir, root: link }).file, ModelCache.open({ dir, root: a }).file);
    assert.notEqual(ModelCache.open({ dir, root: cacheTempDir('other') }).file, ModelCache.open({ dir, root: a }).file);
    assert.equal(defaultCacheFolder({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'ospo-notes'));
    assert.equal(defaultCacheFolder({}), path.join(os.homedir(), '.cache', 'ospo-notes'));
    assert.equal(defaultCacheFolder({ XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'ospo-notes'));
  });

  it('the engine version is the engine package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'engine', 'package.json'), 'utf8')) as { version: string };
    assert.equal(ENGINE_VERSION, pkg.version);
    assert.equal(cacheKey().engine, pkg.version);
  });

  it('the model format version is bumped whenever the model changes shape', () => {
    const parsed = Object.entries(SHAPE_NOTES).map(([p, t]) => parseBytes(p, typeof t === 'string' ? Buffer.from(t) : t));
    const structure = keyStructure(parsed);
    // Every optional field is reached by the sample, so that a new or renamed one changes the structure.
    for (const field of ['frontmatter', 'title', 'omittedLinks', 'encodingDamage', 'subpath', 'display', 'external', 'destination', 'placeholder', 'error', 'items', 'entries', 'style']) {
      assert.ok(structure.includes(`"${field}:`), `the sample notes give no value to ${field}`);
    }
    const hash = createHash('sha1').update(structure).digest('hex');
    assert.equal(
      MODEL_SHAPES[MODEL_CACHE_FORMAT],
      hash,
      `the note model's shape changed: bump MODEL_CACHE_FORMAT (now ${MODEL_CACHE_FORMAT}) and record ${hash} under the new version in MODEL_SHAPES`,
    );
    const earlier = Object.entries(MODEL_SHAPES).filter(([v]) => Number(v) !== MODEL_CACHE_FORMAT);
    assert.ok(!earlier.some(([, h]) => h === hash), 'another format version has this very shape: the bump is not needed, or the shape is not recorded');
  });
});

describe('model cache: a warm start after edits, deletions and additions equals a fresh one', () => {
  const NAMES = ['Alpha', 'Beta', 'Gamma', 'Dup', 'Delta'];
  const FOLDERS = ['', 'a/', 'b/', 'a/c/'];

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}`, async () => {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
      const content = (): string => {
        const lines = [`---\naliases: [${pick(NAMES)}x]\n---`, `# ${pick(['H1', 'H2'])}`];
        for (let i = 0; i < 4; i++) lines.push(`text [[${pick(NAMES)}]] [[${pick(NAMES)}#H1|d]] ![[pic.png]] #t${i} para ^b${i}`, '');
        return lines.join('\n');
      };
      const root = cacheTempDir('prop');
      const dir = cacheTempDir('prop-dir');
      const abs = (rel: string): string => path.join(root, ...rel.split('/'));
      const files = new Set<string>();
      for (let i = 0; i < 25; i++) {
        const p = `${pick(FOLDERS)}${pick(NAMES)}${i % 3 === 0 ? '' : i}.md`;
        writeVault(root, { [p]: content() });
        files.add(p);
      }
      writeVault(root, { 'pic.png': 'png' });
      await cachedStart(root, dir);
      const bytesOf = (): Map<string, Buffer> => new Map([...files].map((p) => [p, fs.readFileSync(abs(p))]));
      let previous = bytesOf();
      for (let round = 0; round < 3; round++) {
        const list = [...files].sort();
        // An edit that keeps size and modification time: one character swapped for another.
        const same = pick(list);
        const before = fs.readFileSync(abs(same), 'utf8');
        const at = before.indexOf('[[') + 2;
        const swapped = before.slice(0, at) + (before[at] === 'Z' ? 'Y' : 'Z') + before.slice(at + 1);
        editKeepingSizeAndTime(abs(same), swapped);
        for (const p of list) {
          if (p === same) continue;
          const r = rand();
          if (r < 0.15) {
            fs.rmSync(abs(p));
            files.delete(p);
          } else if (r < 0.35) {
            writeVault(root, { [p]: content() });
          }
        }
        for (let i = 0; i < 4; i++) {
          const p = `${pick(FOLDERS)}New${round}-${i}.md`;
          if (files.has(p)) continue;
          writeVault(root, { [p]: content() });
          files.add(p);
        }
        const now = bytesOf();
        const differ = [...now].filter(([p, b]) => !previous.get(p)?.equals(b)).length;
        previous = now;
        assert.ok(differ >= 1);
        const warm = await cachedStart(root, dir);
        const fresh = await coldStart(root);
        assert.equal(warm.cache.status.state, 'read');
        assert.equal(warm.cache.status.misses, differ, `round ${round}`);
        assert.equal(warm.cache.status.hits, files.size - differ);
        assert.deepStrictEqual(models(warm.index), models(fresh));
        assert.equal(snapshot(warm.index), snapshot(fresh));
        assert.equal(warm.index.note(same)!.links[0].path[0], swapped[at], 'the same-size, same-time edit is seen');
      }
      // Deleted notes leave the cache.
      const last = ModelCache.open({ dir, root });
      assert.equal(last.status.stored, files.size);
    });
  }
});
