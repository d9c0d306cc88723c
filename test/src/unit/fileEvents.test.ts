/**
 * File events that arrive while a vault loads: queued and applied after the load (`applyFileEvents`), they must
 * leave the index exactly as a fresh load of the final tree would, whatever moment of the load they came at.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyFileEvents, type FileEvent, loadVault } from '@ospo-notes/engine';
import { prng } from '../support/prng';
import { indexSnapshot } from '../support/vaults';

const snapshot = indexSnapshot;

const FOLDERS = ['', 'a/', 'b/', 'a/c/'];
const NAMES = ['Alpha', 'Beta', 'Gamma', 'Dup', 'Gihub'];
const ATTACHMENTS = ['pic.png', 'doc.pdf'];

async function run(seed: number): Promise<{ events: number; duringLoad: number }> {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-events-'));
  const abs = (rel: string): string => path.join(root, ...rel.split('/'));
  const content = (): string => {
    const lines = [`# ${pick(['H1', 'H2'])}`];
    for (let i = 0; i < 3; i++) lines.push(`text [[${pick(NAMES)}]] [[${pick(NAMES)}#H1]] ![[${pick(ATTACHMENTS)}]] para ^b${i}`, '');
    return lines.join('\n');
  };
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(abs(rel)), { recursive: true });
    fs.writeFileSync(abs(rel), text);
  };
  const existing = (): string[] => {
    const files: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(dir, e.name), r);
        else files.push(r);
      }
    };
    walk(root, '');
    return files.sort();
  };
  try {
    // A vault big enough that the load takes many turns of the event loop.
    for (let i = 0; i < 60; i++) write(`${pick(FOLDERS)}${pick(NAMES)} ${i}.md`, content());
    for (const f of FOLDERS) write(`${f}${pick(ATTACHMENTS)}`, 'bytes');

    const events: FileEvent[] = [];
    const mutate = (): void => {
      const files = existing();
      const r = rand();
      if (r < 0.3) {
        const p = `${pick(FOLDERS)}${pick(NAMES)}${rand() < 0.5 ? '' : ` ${Math.floor(rand() * 80)}`}.md`;
        const isNew = !fs.existsSync(abs(p));
        write(p, content());
        events.push({ path: p, kind: isNew ? 'created' : 'changed' });
      } else if (r < 0.55 && files.length > 0) {
        const p = pick(files);
        fs.rmSync(abs(p));
        events.push({ path: p, kind: 'deleted' });
      } else if (r < 0.65) {
        const p = `${pick(FOLDERS)}${pick(ATTACHMENTS)}`;
        const isNew = !fs.existsSync(abs(p));
        write(p, 'bytes');
        events.push({ path: p, kind: isNew ? 'created' : 'changed' });
      } else if (r < 0.75) {
        // A folder moved into the vault: one event for the folder, none for its files.
        const folder = `${pick(FOLDERS)}moved${Math.floor(rand() * 3)}`;
        write(`${folder}/${pick(NAMES)}.md`, content());
        write(`${folder}/sub/${pick(ATTACHMENTS)}`, 'bytes');
        events.push({ path: folder, kind: 'created' });
      } else if (r < 0.85) {
        // A folder deleted: one event for the folder.
        const folder = pick(['a', 'b', 'a/c', 'moved0', 'a/moved1']);
        if (!fs.existsSync(abs(folder))) return;
        fs.rmSync(abs(folder), { recursive: true });
        events.push({ path: folder, kind: 'deleted' });
      } else if (files.length > 0) {
        // A rename: the old path deleted, the new one created.
        const from = pick(files);
        const to = `${pick(FOLDERS)}renamed ${Math.floor(rand() * 50)}${path.extname(from)}`;
        if (fs.existsSync(abs(to))) return;
        fs.mkdirSync(path.dirname(abs(to)), { recursive: true });
        fs.renameSync(abs(from), abs(to));
        events.push({ path: from, kind: 'deleted' }, { path: to, kind: 'created' });
      }
    };

    let loading = true;
    let duringLoad = 0;
    const storm = (async () => {
      while (loading) {
        const turns = Math.floor(rand() * 4);
        for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
        if (!loading) break;
        mutate();
        duringLoad++;
      }
    })();
    const loaded = await loadVault(root, { sliceMs: 0 });
    loading = false;
    await storm;
    await applyFileEvents(loaded.index, root, events);

    const fresh = await loadVault(root);
    assert.equal(snapshot(loaded.index), snapshot(fresh.index), `seed ${seed}: ${events.length} events (${duringLoad} during the load)`);
    return { events: events.length, duringLoad };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('file events during a load', function () {
  this.timeout(60000);

  it('applied after the load, equal a fresh load of the final tree (seeded random storms)', async () => {
    let duringLoad = 0;
    for (let seed = 1; seed <= 25; seed++) duringLoad += (await run(seed)).duringLoad;
    // The storms must really have hit the load, or the test proves nothing.
    assert.ok(duringLoad >= 100, `only ${duringLoad} events arrived during loads`);
  });

  it('applies 300 deletions and 2 creations made while the vault loads', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-events-'));
    try {
      for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(root, `n${i}.md`), `[[n${(i + 1) % 400}]] [[New One]]\n`);
      const events: FileEvent[] = [];
      const load = loadVault(root, { sliceMs: 0 });
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 300; i++) {
        fs.rmSync(path.join(root, `n${i}.md`));
        events.push({ path: `n${i}.md`, kind: 'deleted' });
      }
      fs.writeFileSync(path.join(root, 'New One.md'), '# New\n');
      fs.writeFileSync(path.join(root, 'Two.md'), '[[n399]]\n');
      events.push({ path: 'New One.md', kind: 'created' }, { path: 'Two.md', kind: 'created' });
      const loaded = await load;
      await applyFileEvents(loaded.index, root, events);
      assert.equal(loaded.index.noteCount, 102);
      assert.ok(!loaded.index.files.has('n0.md') && loaded.index.files.has('New One.md') && loaded.index.files.has('Two.md'));
      assert.equal(snapshot(loaded.index), snapshot((await loadVault(root)).index));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
