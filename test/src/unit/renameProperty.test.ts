/**
 * The rename guarantee, as a seeded property test over the fixture vaults and generated vaults: random renames
 * and moves of notes, folders, attachments, headings, block ids and titles, through the engine functions the
 * server calls (`renameAt`, `renameFiles`). Each workspace edit is applied to the texts as an editor applies it,
 * the files are moved, the vault is indexed afresh, and:
 *  - every link that resolved before resolves to the same file, heading or block after (by index in its note);
 *  - no broken link starts to resolve, except to the renamed thing (a link that asked for exactly its new name);
 *  - every byte outside the edited ranges is unchanged: edits lie inside links (or the renamed heading, block id
 *    or title) and notes without edits are byte-identical (CRLF, BOM, tabs and astral characters in the texts);
 *  - a refusal says why and changes nothing.
 * A failure names its seed and step, so it replays.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import {
  type FileMove,
  isNotePath,
  type LinkTarget,
  type NoteModel,
  type Position,
  type Range,
  renameAt,
  renameFiles,
  type RenameResult,
  scanVault,
  VaultRules,
  linkPathRange,
  linkRange,
  linkSubpathRange,
} from '@ospo-notes/engine';
import { MemoryVault } from '../support/memoryVault';
import { prng } from '../support/prng';

const REPO = path.resolve(__dirname, '..', '..', '..');

// ---------------------------------------------------------------------------------------------------------------
// Generated vaults

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'vo', 'ze', 'pu', 'Ü', 'ß', '𝄞', '😀', ' ', '-', "'"];
const FOLDERS = ['', 'a', 'a/b', 'c', 'Ünï', 'd e'];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

function word(rand: () => number, n = 2 + Math.floor(rand() * 3)): string {
  let w = '';
  for (let i = 0; i < n; i++) w += pick(rand, SYLLABLES);
  w = w.trim().replace(/\s+/g, ' ');
  return /^[-' ]|[-' ]$/.test(w) || w === '' ? `x${w}x` : w;
}

function relativePath(fromFolder: string, to: string): string {
  const a = fromFolder === '' ? [] : fromFolder.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

function encode(p: string): string {
  return p.replace(/%/g, '%25').replace(/ /g, '%20');
}

interface GenNote {
  path: string;
  headings: string[];
  ids: string[];
}

function generatedVault(seed: number): Record<string, string | null> {
  const rand = prng(seed);
  const notes: GenNote[] = [];
  const used = new Set<string>();
  const count = 6 + Math.floor(rand() * 8);
  for (let i = 0; i < count; i++) {
    let p: string;
    do {
      const folder = pick(rand, FOLDERS);
      // Some names repeat in other folders: bare links to them are ambiguous.
      const name = i > 2 && rand() < 0.2 ? notes[Math.floor(rand() * notes.length)].path.split('/').pop()!.slice(0, -3) : word(rand);
      p = `${folder ? `${folder}/` : ''}${name}.md`;
    } while (used.has(p.toLowerCase()));
    used.add(p.toLowerCase());
    const headings = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => `${word(rand)}${pick(rand, ['', ': x', ' & y', '?', ' 😀'])}`);
    const ids = Array.from({ length: Math.floor(rand() * 3) }, (_, k) => `id${seed}x${i}x${k}`);
    notes.push({ path: p, headings: [...new Set(headings.map((h) => h.trim()))], ids });
  }
  const attachments = ['img/pic 1.png', 'c/doc.pdf'];
  const files: Record<string, string | null> = {};
  for (const a of attachments) files[a] = null;
  for (const n of notes) {
    const eol = rand() < 0.3 ? '\r\n' : '\n';
    const folder = n.path.includes('/') ? n.path.slice(0, n.path.lastIndexOf('/')) : '';
    const stemName = n.path.split('/').pop()!.slice(0, -3);
    const lines: string[] = [];
    if (rand() < 0.3) lines.push('---', `title: ${rand() < 0.5 ? stemName : word(rand)}`, '---');
    if (rand() < 0.4) lines.push(`# ${stemName}`, '');
    let idIndex = 0;
    for (let h = 0; h < n.headings.length; h++) {
      lines.push(`${'#'.repeat(2 + Math.min(h, 1))} ${n.headings[h]}`, '');
      const links: string[] = [];
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) links.push(randomLink(rand, n, notes, attachments, folder));
      const id = idIndex < n.ids.length && rand() < 0.7 ? ` ^${n.ids[idIndex++]}` : '';
      lines.push(`Text\twith 😀 ${links.join(' and ')}.${id}`, '');
      if (rand() < 0.2) lines.push('| a | b |', '| --- | --- |', `| ${randomLink(rand, n, notes, attachments, folder, true)} | 𝄞 |`, '');
    }
    const text = (rand() < 0.2 ? '\uFEFF' : '') + lines.join(eol) + eol;
    files[n.path] = text;
  }
  return files;
}

function randomLink(rand: () => number, self: GenNote, notes: GenNote[], attachments: string[], folder: string, inTable = false): string {
  const t = pick(rand, notes);
  const name = t.path.split('/').pop()!.slice(0, -3);
  const heading = pick(rand, t.headings);
  const headingText = heading.replace(/[:#|^]/g, ' ').replace(/\s+/g, ' ').trim();
  const sep = inTable ? '\\|' : '|';
  switch (Math.floor(rand() * 12)) {
    case 0:
      return `[[${name}]]`;
    case 1:
      return `[[${t.path.slice(0, -3)}]]`;
    case 2:
      return `[[${name}#${headingText}]]`;
    case 3:
      return t.headings.length > 1 ? `[[${name}#${t.headings[0].replace(/[:#|^]/g, ' ').trim()}#${t.headings[1].replace(/[:#|^]/g, ' ').trim()}]]` : `[[${name}]]`;
    case 4:
      return t.ids.length > 0 ? `![[${name}#^${pick(rand, t.ids)}]]` : `[[${name}${sep}alias]]`;
    case 5:
      return `[x](${encode(relativePath(folder, t.path))})`;
    case 6:
      return `[x](${encode(relativePath(folder, t.path))}#${encode(headingText)})`;
    case 7:
      return `![[${pick(rand, attachments).split('/').pop()}]]`;
    case 8:
      return `![p](<${relativePath(folder, pick(rand, attachments))}>)`;
    case 9:
      return `[[Missing ${word(rand)}]]`;
    case 10:
      return `[[${name}#No such heading]]`;
    default:
      return self.headings.length > 0 ? `[[#${self.headings[0].replace(/[:#|^]/g, ' ').trim()}]]` : `[[${name}]]`;
  }
}

async function fixtureVault(rel: string): Promise<Record<string, string | null>> {
  const root = path.join(REPO, rel);
  const scan = await scanVault(root, { rules: new VaultRules() });
  const files: Record<string, string | null> = {};
  for (const f of scan.files) files[f] = isNotePath(f) ? fs.readFileSync(path.join(root, ...f.split('/')), 'utf8') : null;
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// One random rename

type Op =
  | { kind: 'files'; moves: FileMove[]; what: string }
  | { kind: 'at'; path: string; position: Position; newName: string; what: string; subject: 'file' | 'heading' | 'block' | 'title'; allowed?: Range };

function randomOp(rand: () => number, v: MemoryVault): Op | undefined {
  const notes = [...v.index.allNotes()];
  const files = [...v.index.files.paths()];
  const newName = (): string => (rand() < 0.15 ? pick(rand, files).split('/').pop()!.replace(/\.md$/, '') : rand() < 0.05 ? `bad${pick(rand, ['#', ':', '|', '?', '^'])}name` : word(rand));
  const folderOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  const join = (f: string, n: string): string => (f ? `${f}/${n}` : n);
  switch (Math.floor(rand() * 8)) {
    case 0: {
      // A note or attachment renamed from a link to it.
      const withLinks = notes.filter((n) => n.links.some((l, i) => l.path !== '' && v.index.linkTargets(n.path)[i]?.target !== undefined));
      if (withLinks.length === 0) return undefined;
      const n = pick(rand, withLinks);
      const i = pick(rand, n.links.map((l, k) => k).filter((k) => n.links[k].path !== '' && v.index.linkTargets(n.path)[k]?.target !== undefined));
      const l = n.links[i];
      const target = v.index.linkTargets(n.path)[i].target!;
      const name = newName();
      return { kind: 'at', path: n.path, position: { line: linkPathRange(l).start.line, character: linkPathRange(l).start.character + 1 }, newName: isNotePath(target) ? name : `${name}.png`, what: `rename ${target} to ${name} from a link in ${n.path}`, subject: 'file' };
    }
    case 1: {
      // A file moved to another folder, maybe renamed (the explorer).
      const f = pick(rand, files);
      const name = rand() < 0.5 ? f.split('/').pop()! : `${newName()}${isNotePath(f) ? '.md' : f.slice(f.lastIndexOf('.'))}`;
      const to = join(pick(rand, FOLDERS), name);
      return { kind: 'files', moves: [{ oldPath: f, newPath: to }], what: `move ${f} to ${to}` };
    }
    case 2: {
      // A folder renamed or moved.
      const folders = [...new Set(files.map(folderOf).filter((f) => f !== ''))];
      if (folders.length === 0) return undefined;
      const f = pick(rand, folders);
      const to = join(rand() < 0.5 ? folderOf(f) : pick(rand, FOLDERS.filter((x) => x !== f && !x.startsWith(`${f}/`))), word(rand));
      return { kind: 'files', moves: [{ oldPath: f, newPath: to }], what: `move folder ${f} to ${to}` };
    }
    case 3:
    case 4: {
      // A heading, on its line or on a link's segment.
      const withHeadings = notes.filter((n) => n.headings.length > 0);
      if (withHeadings.length === 0) return undefined;
      const n = pick(rand, withHeadings);
      const h = pick(rand, n.headings);
      return { kind: 'at', path: n.path, position: { line: h.line, character: h.textRange.start.character }, newName: `${word(rand)}${pick(rand, ['', ': z', ' 😀'])}`, what: `rename heading '${h.text}' of ${n.path}`, subject: 'heading', allowed: h.textRange };
    }
    case 5: {
      const withIds = notes.filter((n) => n.blockIds.length > 0);
      if (withIds.length === 0) return undefined;
      const n = pick(rand, withIds);
      const b = pick(rand, n.blockIds);
      const id = rand() < 0.1 && n.blockIds.length > 1 ? n.blockIds.find((x) => x !== b)!.id : `r${Math.floor(rand() * 1e6).toString(36)}`;
      return { kind: 'at', path: n.path, position: { line: b.range.start.line, character: b.range.start.character + 1 }, newName: id, what: `rename ^${b.id} of ${n.path} to ^${id}`, subject: 'block', allowed: b.range };
    }
    case 6: {
      // A heading or block id from a link's subpath.
      const candidates = notes.flatMap((n) => n.links.map((l, i) => ({ n, l, t: v.index.linkTargets(n.path)[i] })).filter((x) => linkSubpathRange(x.l) && (x.t?.heading || x.t?.block)));
      if (candidates.length === 0) return undefined;
      const { n, l, t } = pick(rand, candidates);
      const target = v.index.note(t!.target!)!;
      const allowed = t!.block ? t!.block.range : undefined;
      const name = t!.block ? `s${Math.floor(rand() * 1e6).toString(36)}` : word(rand);
      return { kind: 'at', path: n.path, position: { line: linkSubpathRange(l)!.end.line, character: linkSubpathRange(l)!.end.character - 1 }, newName: name, what: `rename the subpath of a link in ${n.path} (to ${target.path})`, subject: t!.block ? 'block' : 'heading', allowed };
    }
    default: {
      const titled = notes.filter((n) => n.title !== undefined && n.frontmatter?.keys.some((k) => k.key === 'title'));
      if (titled.length === 0) return undefined;
      const n = pick(rand, titled);
      const key = n.frontmatter!.keys.find((k) => k.key === 'title')!;
      return { kind: 'at', path: n.path, position: { line: key.range.start.line, character: key.range.end.character + 3 }, newName: newName(), what: `rename ${n.path} from its title`, subject: 'title' };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

interface Snapshot {
  texts: Map<string, string>;
  notes: Map<string, NoteModel>;
  targets: Map<string, readonly LinkTarget[]>;
}

function snapshot(v: MemoryVault): Snapshot {
  return {
    texts: new Map(v.texts),
    notes: new Map([...v.index.allNotes()].map((n) => [n.path, n])),
    targets: new Map([...v.index.notePaths()].map((p) => [p, v.index.linkTargets(p)])),
  };
}

const broken = (t: LinkTarget | undefined): boolean => t === undefined || t.status === 'unresolved' || t.status === 'outside-vault';

function headingIndex(n: NoteModel | undefined, t: LinkTarget): number | undefined {
  if (!t.heading || !n) return undefined;
  return n.headings.findIndex((h) => h.line === t.heading!.line && h.text === t.heading!.text);
}

function blockIndex(n: NoteModel | undefined, t: LinkTarget): number | undefined {
  if (!t.block || !n) return undefined;
  return n.blockIds.findIndex((b) => b.range.start.line === t.block!.range.start.line && b.id === t.block!.id);
}

function within(inner: Range, outer: Range): boolean {
  const le = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/** Applies one op and checks the guarantee; returns 'refused' or 'renamed'. */
function runOp(v: MemoryVault, op: Op, where: string): 'refused' | 'renamed' {
  const before = snapshot(v);
  const result: RenameResult = op.kind === 'files' ? renameFiles(v.ctx, op.moves, v.options) : renameAt(v.ctx, op.path, op.position, op.newName, v.options);
  if ('refused' in result) {
    assert.ok(result.refused.length > 10, `${where}: a refusal says why`);
    if (process.env.RENAME_PROPERTY_LOG) console.log(`  refused: ${result.refused}`);
    return 'refused';
  }
  const edit: WorkspaceEdit = result.edit;
  // Every edit lies inside a link of its note, or in the renamed heading, block id or title.
  const subjectNote = op.kind === 'at' ? subjectPath(before, op) : undefined;
  for (const c of edit.documentChanges ?? []) {
    if (!('textDocument' in c)) continue;
    const p = c.textDocument.uri.slice('mem:/'.length);
    const note = before.notes.get(p)!;
    for (const e of (c as TextDocumentEdit).edits as TextEdit[]) {
      const inLink = note.links.some((l) => within(e.range, linkRange(l)));
      const inSubject = op.kind === 'at' && p === subjectNote && (op.subject === 'title' ? e.range.start.line === e.range.end.line && (note.frontmatter?.keys.some((k) => k.key === 'title' && k.range.start.line === e.range.start.line) ?? false) : op.subject === 'heading' || op.subject === 'file' ? note.headings.some((h) => within(e.range, h.textRange)) : note.blockIds.some((b) => within(e.range, b.range)));
      assert.ok(inLink || inSubject, `${where}: an edit of ${p} at ${JSON.stringify(e.range)} (${JSON.stringify(e.newText)}) is outside every link and the renamed place`);
      assert.ok(!/[\r\n]/.test(e.newText), `${where}: an edit writes a line break`);
    }
  }
  const moved = v.apply(edit, op.kind === 'files' ? op.moves : []);
  const movedTo = (p: string): string => moved.get(p) ?? p;
  const edited = new Set((edit.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c).map((c) => c.textDocument.uri.slice('mem:/'.length)));
  v.reindex();

  for (const [p, note] of before.notes) {
    const q = movedTo(p);
    const after = v.index.note(q);
    assert.ok(after, `${where}: ${p} (now ${q}) is in the index`);
    if (!edited.has(p)) assert.equal(v.texts.get(q), before.texts.get(p), `${where}: ${p} was not edited and is byte-identical`);
    assert.equal(after.links.length, note.links.length, `${where}: ${q} has as many links as before`);
    const was = before.targets.get(p)!;
    const now = v.index.linkTargets(q);
    for (let i = 0; i < note.links.length; i++) {
      const b = was[i];
      const a = now[i];
      const show: string = `${where}: link ${i} of ${p} (${JSON.stringify(before.texts.get(p)!.split(/\r\n|\r|\n/)[linkRange(note.links[i]).start.line].slice(linkRange(note.links[i]).start.character, linkRange(note.links[i]).end.character))} → ${JSON.stringify(v.texts.get(q)!.split(/\r\n|\r|\n/)[linkRange(after.links[i]).start.line].slice(linkRange(after.links[i]).start.character, linkRange(after.links[i]).end.character))})`;
      if (!b || b.status === 'external' || b.status === 'empty' || note.links[i].placeholder) continue;
      if (broken(b)) {
        if (broken(a)) continue;
        // Only what was renamed may be found by a broken link: it asked for exactly the new name.
        assert.ok(a.target !== undefined && [...moved.values()].includes(a.target), `${show}: was broken and now resolves to ${a.target}`);
        continue;
      }
      assert.equal(a.target, movedTo(b.target!), `${show}: same file`);
      const beforeTarget = before.notes.get(b.target!);
      const afterTarget = v.index.note(a.target!);
      if (b.status !== a.status) {
        // A missing heading or block may be found only as the renamed one.
        assert.ok((b.status === 'missing-heading' && op.kind === 'at' && (op.subject === 'heading' || op.subject === 'file')) || (b.status === 'missing-block' && op.kind === 'at' && op.subject === 'block'), `${show}: status ${b.status} → ${a.status}`);
        continue;
      }
      assert.equal(headingIndex(afterTarget, a), headingIndex(beforeTarget, b), `${show}: same heading`);
      assert.equal(blockIndex(afterTarget, a), blockIndex(beforeTarget, b), `${show}: same block`);
    }
  }
  return 'renamed';
}

function subjectPath(before: Snapshot, op: Extract<Op, { kind: 'at' }>): string {
  if (op.subject === 'title') return op.path;
  const note = before.notes.get(op.path)!;
  const link = note.links.findIndex((l) => linkRange(l).start.line === op.position.line && linkRange(l).start.character <= op.position.character && op.position.character <= linkRange(l).end.character);
  if (link >= 0) return before.targets.get(op.path)![link].target ?? op.path;
  return op.path;
}

// ---------------------------------------------------------------------------------------------------------------

describe('rename keeps every link (seeded property test)', function () {
  this.timeout(120000);

  function run(name: string, files: Record<string, string | null>, seed: number, steps: number): Record<string, number> {
    const v = new MemoryVault(files);
    const rand = prng(seed);
    const counts: Record<string, number> = { renamed: 0, refused: 0 };
    for (let step = 0; step < steps; step++) {
      const op = randomOp(rand, v);
      if (!op) continue;
      const outcome = runOp(v, op, `${name} seed ${seed} step ${step} (${op.what})`);
      counts[outcome]++;
      if (process.env.RENAME_PROPERTY_LOG) console.log(`${name} ${seed}/${step} ${outcome}: ${op.what}`);
      if (outcome === 'renamed') counts[op.kind === 'files' ? 'files' : op.subject] = (counts[op.kind === 'files' ? 'files' : op.subject] ?? 0) + 1;
    }
    if (process.env.RENAME_PROPERTY_LOG) console.log(name, seed, JSON.stringify(counts));
    return counts;
  }

  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  it(`generated vaults, ${SEEDS.length} seeds × 40 renames`, () => {
    const total: Record<string, number> = {};
    for (const seed of SEEDS) {
      const counts = run('generated', generatedVault(seed), seed, 40);
      for (const [k, n] of Object.entries(counts)) total[k] = (total[k] ?? 0) + n;
    }
    // Not vacuous: most renames go through, and every kind is exercised.
    assert.ok(total.renamed > total.refused * 2, JSON.stringify(total));
    for (const kind of ['files', 'file', 'heading', 'block', 'title']) assert.ok((total[kind] ?? 0) > 5, `${kind} renames were exercised: ${JSON.stringify(total)}`);
  });

  for (const [rel, seed] of [
    ['examples/ospo-vault', 101],
    ['test/fixtures/corpora/obsidian-tasks-docs', 102],
    ['test/fixtures/corpora/foam-docs', 103],
  ] as const) {
    it(`the ${rel} vault, 20 renames`, async () => {
      const counts = run(rel, await fixtureVault(rel), seed, 20);
      assert.ok(counts.renamed >= 10, JSON.stringify(counts));
    });
  }
});
