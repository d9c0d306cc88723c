import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { TextEdit } from 'vscode-languageserver-types';
import {
  displayTextOf,
  encodeMarkdownPath,
  FileLookup,
  type Link,
  type LinkFormat,
  linkFormOf,
  type LinkPathForm,
  type LinkRequest,
  type LinkStyle,
  LinkWriteError,
  type NoteModel,
  parseNote,
  relativeVaultPath,
  resolveLink,
  rewriteLink,
  shortestLinkPath,
  wikiLinkProblem,
  writeLink,
  writeLinkPath,
  linkPathRange,
  linkRange,
  linkSubpathRange,
} from '@ospo-notes/engine';
import { prng } from '../support/prng';

const WIKI: LinkFormat = { style: 'wiki', pathForm: 'shortest' };
const MD: LinkFormat = { style: 'markdown', pathForm: 'shortest' };
const STYLES: LinkStyle[] = ['wiki', 'markdown'];
const FORMS: LinkPathForm[] = ['shortest', 'relative', 'absolute'];

/** The one link of `text` (a line of a note, or a table row when `inTable`), parsed as the index parses it. */
function parseWritten(from: string, written: string, inTable = false): Link {
  const text = inTable ? `| a | b |\n| --- | --- |\n| c | ${written} |\n` : `Before ${written} after\n`;
  const links = parseNote(from, text).links;
  assert.equal(links.length, 1, `one link in ${JSON.stringify(text)}: ${JSON.stringify(links)}`);
  const link = links[0];
  const line = text.split('\n')[linkRange(link).start.line];
  assert.equal(line.slice(linkRange(link).start.character, linkRange(link).end.character), written, 'the link is exactly the written text');
  return link;
}

const md = new MarkdownIt('commonmark').enable('table');

/** The cells of the table row the link was written in, as a renderer sees them. */
function rowCells(written: string): number {
  const html = md.render(`| a | b |\n| --- | --- |\n| c | ${written} |\n`);
  const body = html.slice(html.indexOf('<tbody>'));
  return (body.match(/<td>/g) ?? []).length;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    assert.equal(e.range.start.line, e.range.end.line);
    const line = lines[e.range.start.line];
    lines[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  }
  return lines.join('\n');
}

describe('link writer', () => {
  const files = new FileLookup(['people/Github.md', 'x/a/Topic.md', 'y/a/Topic.md', 'z/Topic.md', 'img/diagram 1.png', 'docs/a b.md', 'My.Note.md', 'My.Note', 'Sub/We!rd (name) [x].md', 'Top.md']);

  describe('writeLink', () => {
    it('writes the bare name when it is unique, else the shortest unambiguous path (R3.6)', () => {
      assert.equal(writeLink(files, { from: 'n.md', target: 'people/Github.md' }, WIKI), '[[Github]]');
      assert.equal(writeLink(files, { from: 'n.md', target: 'x/a/Topic.md' }, WIKI), '[[x/a/Topic]]');
      assert.equal(writeLink(files, { from: 'n.md', target: 'z/Topic.md' }, WIKI), '[[z/Topic]]');
      assert.equal(writeLink(files, { from: 'n.md', target: 'img/diagram 1.png', embed: true }, WIKI), '![[diagram 1.png]]');
      // `[[My.Note]]` is the file `My.Note` first (R3.2): the note needs its extension.
      assert.equal(writeLink(files, { from: 'n.md', target: 'My.Note.md' }, WIKI), '[[My.Note.md]]');
    });

    it('writes subpaths, display text and links into the note itself', () => {
      assert.equal(writeLink(files, { from: 'n.md', target: 'people/Github.md', subpath: 'A#B', display: 'x' }, WIKI), '[[Github#A#B|x]]');
      assert.equal(writeLink(files, { from: 'n.md', target: 'n.md', subpath: '^abc' }, WIKI), '[[#^abc]]');
      assert.equal(writeLink(files, { from: 'n.md', target: '', subpath: 'H' }, MD), '[H](#H)');
      // Without a subpath `[[]]` would be empty: the note is named.
      assert.equal(writeLink(files, { from: 'Top.md', target: 'Top.md' }, WIKI), '[[Top]]');
    });

    it('escapes the alias separator in a table row, so the row is not split (R2.4)', () => {
      const written = writeLink(files, { from: 'n.md', target: 'people/Github.md', display: 'Open | Source', inTable: true }, WIKI);
      assert.equal(written, '[[Github\\|Open \\| Source]]');
      assert.equal(rowCells(written), 2);
      assert.equal(displayTextOf(parseWritten('n.md', written, true), true), 'Open | Source');
      const mdLink = writeLink(files, { from: 'n.md', target: 'people/Github.md', display: 'a|b', inTable: true }, MD);
      assert.equal(mdLink, '[a\\|b](Github.md)');
      assert.equal(rowCells(mdLink), 2);
    });

    it('writes markdown links percent-encoded, with the note name as default text (R6.2)', () => {
      assert.equal(writeLink(files, { from: 'n.md', target: 'docs/a b.md', subpath: 'Some heading' }, MD), '[a b > Some heading](a%20b.md#Some%20heading)');
      assert.equal(writeLink(files, { from: 'q/n.md', target: 'docs/a b.md', display: 'x' }, { style: 'markdown', pathForm: 'relative' }), '[x](../docs/a%20b.md)');
      assert.equal(writeLink(files, { from: 'q/n.md', target: 'docs/a b.md', display: 'x' }, { style: 'markdown', pathForm: 'absolute' }), '[x](docs/a%20b.md)');
      assert.equal(writeLink(files, { from: 'n.md', target: 'Sub/We!rd (name) [x].md' }, MD), '[We!rd (name) \\[x\\]](We!rd%20(name)%20[x].md)');
      assert.equal(writeLink(files, { from: 'n.md', target: 'img/diagram 1.png', embed: true }, MD), '![](diagram%201.png)');
    });

    it('writes a relative path plainly when it names the file, with ./ when the plain form names another (R3.5)', () => {
      const f = new FileLookup(['a/Note.md', 'Note.md', 'a/b/c.md', 'a/x.md']);
      assert.equal(writeLink(f, { from: 'a/x.md', target: 'a/b/c.md' }, { style: 'wiki', pathForm: 'relative' }), '[[b/c]]');
      // `[[Note]]` from `a/` is the root's `Note.md` (an exact vault path wins, R3.6 step 1).
      assert.equal(writeLink(f, { from: 'a/x.md', target: 'a/Note.md' }, { style: 'wiki', pathForm: 'relative' }), '[[./Note]]');
      assert.equal(writeLink(f, { from: 'a/b/c.md', target: 'Note.md' }, { style: 'wiki', pathForm: 'relative' }), '[[../../Note]]');
      assert.equal(relativeVaultPath('a/b/c.md', 'a/x.md'), '../x.md');
      assert.equal(relativeVaultPath('c.md', 'a/x.md'), 'a/x.md');
    });

    it('writes a markdown link where a wiki-link cannot name the target or hold the text (R2.6)', () => {
      const f = new FileLookup(['C# notes.md', 'x^y.md']);
      assert.equal(writeLink(f, { from: 'n.md', target: 'C# notes.md' }, WIKI), '[C# notes](C%23%20notes.md)');
      assert.equal(writeLink(f, { from: 'n.md', target: 'x^y.md', display: 'x' }, WIKI), '[x](x^y.md)');
      assert.match(wikiLinkProblem(f, { from: 'n.md', target: 'C# notes.md' }) ?? '', /cannot contain '#'/);
      assert.equal(writeLink(files, { from: 'n.md', target: 'Top.md', display: 'see [[x]]' }, WIKI), '[see \\[\\[x\\]\\]](Top.md)');
      assert.throws(() => writeLinkPath(f, 'n.md', 'C# notes.md', WIKI), (e: unknown) => e instanceof LinkWriteError && /'#'/.test(e.message));
    });

    it('writes a link to a note that does not exist yet as if it did, and leaves the lookup as it was', () => {
      const f = new FileLookup(['a/Idea.md']);
      assert.equal(writeLink(f, { from: 'n.md', target: 'b/New one.md' }, WIKI), '[[New one]]');
      assert.equal(writeLink(f, { from: 'n.md', target: 'b/Idea.md' }, WIKI), '[[b/Idea]]');
      assert.deepEqual([...f.paths()], ['a/Idea.md']);
    });

    it('keeps the writer the only source of the shortest path and the markdown encoding', () => {
      assert.equal(shortestLinkPath(files, 'x/a/Topic.md', true), 'x/a/Topic.md');
      assert.equal(encodeMarkdownPath('a b/We!rd (x) [y].md'), 'a%20b/We!rd%20(x)%20[y].md');
      assert.equal(encodeMarkdownPath('odd (x.md'), 'odd%20%28x.md');
      assert.equal(encodeMarkdownPath('50% #1|2.md'), '50%25%20%231%7C2.md');
      assert.equal(writeLinkPath(files, 'n.md', 'docs/a b.md', MD, { angle: true }), 'a b.md');
    });
  });

  describe('linkFormOf and rewriteLink', () => {
    const text = (written: string): { link: Link; text: string } => {
      const t = `x ${written} y`;
      return { link: parseNote('n.md', t).links[0], text: t };
    };

    it('reads how a link is written', () => {
      const f = new FileLookup(['a/b/Note.md', 'img/p.png']);
      const form = (w: string, from = 'a/n.md', target = 'a/b/Note.md') => linkFormOf(f, from, parseNote(from, w).links[0], target);
      assert.deepEqual(
        [form('[[Note]]').pathForm, form('[[a/b/Note]]').pathForm, form('[[../a/b/Note]]').pathForm, form('[x](b/Note.md)').pathForm, form('[[/a/b/Note.md]]').pathForm],
        ['shortest', 'absolute', 'relative', 'relative', 'absolute'],
      );
      assert.equal(form('[[a/b/Note]]', 'n.md').pathForm, 'absolute');
      assert.equal(form('[[Note.md]]').keepExtension, true);
      assert.equal(form('[[Note]]').keepExtension, false);
      assert.equal(form('[x](<b/Note.md>)').encoding, 'minimal');
      assert.equal(form('[x](<../a/b c/Note.md>)').encoding, 'angle');
      assert.equal(form('![[p.png]]', 'a/n.md', 'img/p.png').embed, true);
    });

    it('renames a bare name, keeping subpath, display and embed mark; only the path changes', () => {
      const f = new FileLookup(['CERN2.md']);
      const { link, text: t } = text('![[CERN#OSPO|the lab]]');
      assert.equal(applyEdits(t, rewriteLink(f, 'n.md', link, { oldTarget: 'CERN.md', newTarget: 'CERN2.md' })), 'x ![[CERN2#OSPO|the lab]] y');
    });

    it('keeps a bare name bare after a move, and disambiguates it when the new place makes it ambiguous', () => {
      const moved = new FileLookup(['b/Note.md']);
      const { link, text: t } = text('[[Note]]');
      assert.deepEqual(rewriteLink(moved, 'n.md', link, { oldTarget: 'a/Note.md', newTarget: 'b/Note.md' }), []);
      const clash = new FileLookup(['b/Note.md', 'c/Note.md']);
      assert.equal(applyEdits(t, rewriteLink(clash, 'n.md', link, { oldTarget: 'a/Note.md', newTarget: 'b/Note.md' })), 'x [[b/Note]] y');
    });

    it('recomputes relative markdown links, for links to a moved note and inside a moved note', () => {
      const after = new FileLookup(['new/place/My Note.md', 'docs/Other.md']);
      const a = parseNote('docs/Index.md', 'See [x](../old/My%20Note.md#Part%20one).').links[0];
      const edits = rewriteLink(after, 'docs/Index.md', a, { oldTarget: 'old/My Note.md', newTarget: 'new/place/My Note.md' });
      assert.equal(applyEdits('See [x](../old/My%20Note.md#Part%20one).', edits), 'See [x](../new/place/My%20Note.md#Part%20one).');
      // The linking note itself moves: its relative link is recomputed from its new folder.
      const inside = parseNote('old/My Note.md', 'To [o](../docs/Other.md)').links[0];
      const e2 = rewriteLink(after, 'old/My Note.md', inside, { oldTarget: 'docs/Other.md', newFrom: 'new/place/My Note.md' });
      assert.equal(applyEdits('To [o](../docs/Other.md)', e2), 'To [o](../../docs/Other.md)');
    });

    it('keeps the encoding: <…> stays raw, %-encoded unicode stays encoded', () => {
      const after = new FileLookup(['Café au lait.md']);
      const angled = parseNote('n.md', '[x](<Old name.md>)').links[0];
      assert.equal(applyEdits('[x](<Old name.md>)', rewriteLink(after, 'n.md', angled, { oldTarget: 'Old name.md', newTarget: 'Café au lait.md' })), '[x](<Café au lait.md>)');
      const uri = parseNote('n.md', '[x](Caf%C3%A9.md)').links[0];
      assert.equal(applyEdits('[x](Caf%C3%A9.md)', rewriteLink(after, 'n.md', uri, { oldTarget: 'Café.md', newTarget: 'Café au lait.md' })), '[x](Caf%C3%A9%20au%20lait.md)');
      const minimal = parseNote('n.md', '[x](Old%20name.md)').links[0];
      assert.equal(applyEdits('[x](Old%20name.md)', rewriteLink(after, 'n.md', minimal, { oldTarget: 'Old name.md', newTarget: 'Café au lait.md' })), '[x](Café%20au%20lait.md)');
    });

    it('changes, adds and removes a subpath; a link into the note itself loses its path', () => {
      const f = new FileLookup(['Note.md', 'n.md']);
      const rw = (w: string, change: Parameters<typeof rewriteLink>[3]): string => applyEdits(w, rewriteLink(f, 'n.md', parseNote('n.md', w).links[0], change));
      assert.equal(rw('[[Note#Old|t]]', { oldTarget: 'Note.md', newSubpath: 'New#Sub' }), '[[Note#New#Sub|t]]');
      assert.equal(rw('[[Note|t]]', { oldTarget: 'Note.md', newSubpath: '^abc' }), '[[Note#^abc|t]]');
      assert.equal(rw('[[Note#Old]]', { oldTarget: 'Note.md', newSubpath: '' }), '[[Note]]');
      assert.equal(rw('[t](Note.md#Old)', { oldTarget: 'Note.md', newSubpath: 'New one' }), '[t](Note.md#New%20one)');
      assert.equal(rw('[[Note#H]]', { oldTarget: 'Note.md', newTarget: 'n.md' }), '[[#H]]');
      assert.equal(rw('[[#H]]', { oldTarget: 'n.md', newTarget: 'Note.md' }), '[[Note#H]]');
      // The note itself moves: its links into itself stay as they are.
      const moved = new FileLookup(['Note.md', 'x/m.md']);
      assert.deepEqual(rewriteLink(moved, 'n.md', parseNote('n.md', '[[#H]]').links[0], { oldTarget: 'n.md', newFrom: 'x/m.md' }), []);
      assert.deepEqual(rewriteLink(moved, 'n.md', parseNote('n.md', '[t](#H)').links[0], { oldTarget: 'n.md', newFrom: 'x/m.md' }), []);
    });

    it('rewrites a markdown link whose destination is a file name with an unencoded # (R6.2)', () => {
      const f = new FileLookup(['Sub/Number 2.md']);
      const w = '[x](Sub/We!rd%20#1.md)';
      const link = parseNote('n.md', w).links[0];
      assert.equal(applyEdits(w, rewriteLink(f, 'n.md', link, { oldTarget: 'Sub/We!rd #1.md', newTarget: 'Sub/Number 2.md' })), '[x](Sub/Number%202.md)');
    });

    it('refuses to point a wiki-link at a name a wiki-link cannot hold', () => {
      const f = new FileLookup(['C# notes.md']);
      const link = parseNote('n.md', '[[C notes]]').links[0];
      assert.throws(() => rewriteLink(f, 'n.md', link, { oldTarget: 'C notes.md', newTarget: 'C# notes.md' }), LinkWriteError);
    });
  });

  describe('property: what is written parses back and resolves to exactly the target, subpath and text', () => {
    const NAME_CHARS = ['a', 'b', 'Z', 'q', ' ', 'é', 'ß', '日本', '😀', '𝒳', '(', ')', '#', '%', '.', '!', '&', "'", '[', ']', '^', '-', '20'];
    const HEADING_CHARS = ['a', 'B', ' ', 'é', '😀', '(', ')', '%', '.', '!', '&', '-', '20', '?'];
    const DISPLAY_CHARS = ['a', ' ', 'é', '😀', '|', '[', ']', '(', ')', '*', '#', '%', '!', '`', '$', '<', '\\', '>'];

    function word(rand: () => number, chars: string[], min: number, max: number): string {
      let s = '';
      const n = min + Math.floor(rand() * (max - min + 1));
      for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
      return s;
    }

    function fileName(rand: () => number): string {
      let s = word(rand, NAME_CHARS, 1, 6).trim();
      if (s === '' || s.startsWith('.') || /^[.\s]*$/.test(s)) s = `n${s}`;
      return s.replace(/\s+$/, '');
    }

    function heading(rand: () => number): string {
      // A letter first: headings of punctuation alone match each other loosely (R4.3), which is not the point here.
      // No `%%` either: in a heading it opens a comment (R1.6).
      return `h${word(rand, HEADING_CHARS, 0, 5)}`.trim().replace(/\s+/g, ' ').replace(/%+/g, '%');
    }

    interface Vault {
      files: FileLookup;
      notes: Map<string, NoteModel>;
      headings: Map<string, [string, string]>;
    }

    function layout(rand: () => number): Vault {
      const folders = ['', 'a', 'a/b', 'x y', 'é/日本', 'deep/er/st (1)'].filter(() => rand() < 0.8);
      if (folders.length === 0) folders.push('');
      const names: string[] = [];
      for (let i = 0; i < 6; i++) names.push(fileName(rand));
      const files = new FileLookup();
      const notes = new Map<string, NoteModel>();
      const headings = new Map<string, [string, string]>();
      for (let i = 0; i < 14; i++) {
        const folder = folders[Math.floor(rand() * folders.length)];
        // Names repeat across folders: ambiguous names are the point.
        const name = names[Math.floor(rand() * names.length)];
        const ext = rand() < 0.8 ? '.md' : rand() < 0.5 ? '.png' : '.pdf';
        const path = folder === '' ? `${name}${ext}` : `${folder}/${name}${ext}`;
        if (!files.add(path)) continue;
        if (ext === '.md') {
          const h: [string, string] = [heading(rand), heading(rand)];
          headings.set(path, h);
          notes.set(path, parseNote(path, `# ${h[0]}\n\n## ${h[1]}\n\nSome text ^blk-${i}\n`));
        }
      }
      return { files, notes, headings };
    }

    it('for generated names and vault layouts, in each style and path form, in and outside tables', () => {
      let checked = 0;
      let asMarkdown = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const rand = prng(seed);
        const v = layout(rand);
        const paths = [...v.files.paths()];
        const notePaths = paths.filter((p) => p.endsWith('.md'));
        const view = { files: v.files, note: (p: string) => v.notes.get(p) };
        for (let k = 0; k < 30; k++) {
          const from = notePaths[Math.floor(rand() * notePaths.length)];
          const target = rand() < 0.1 ? from : paths[Math.floor(rand() * paths.length)];
          const isNote = target.endsWith('.md');
          const blockLine = isNote ? v.notes.get(target)!.blockIds[0] : undefined;
          const h = v.headings.get(target);
          const r = rand();
          let subpath: string | undefined;
          let wanted: string | undefined;
          if (h && r < 0.25) [subpath, wanted] = [h[0], h[0]];
          else if (h && r < 0.45) [subpath, wanted] = [`${h[0]}#${h[1]}`, h[1]];
          else if (blockLine && r < 0.6) subpath = `^${blockLine.id}`;
          if (target === from && subpath === undefined && h) [subpath, wanted] = [h[0], h[0]];
          const display = rand() < 0.5 ? undefined : rand() < 0.1 ? '' : word(rand, DISPLAY_CHARS, 1, 6).replace(/^\s+|\s+$/g, '') || 'd';
          const req: LinkRequest = { from, target, subpath, display, embed: rand() < 0.2 };
          for (const style of STYLES) {
            for (const pathForm of FORMS) {
              for (const inTable of [false, true]) {
                const full = { ...req, inTable };
                const written = writeLink(v.files, full, { style, pathForm });
                const what = `seed ${seed}: ${JSON.stringify(full)} as ${style}/${pathForm}: ${written}`;
                const link = parseWritten(from, written, inTable);
                if (style === 'wiki' && link.syntax !== 'wiki') asMarkdown++;
                const res = resolveLink(link, from, view);
                assert.equal(res.target, target === from ? from : target, what);
                assert.equal(link.embed, req.embed === true, what);
                if (subpath === undefined) assert.equal(link.subpath, undefined, what);
                else {
                  assert.equal(link.subpath, subpath, what);
                  assert.equal(res.status, 'resolved', what);
                  if (subpath.startsWith('^')) assert.equal(res.block?.id, subpath.slice(1), what);
                  else assert.equal(res.heading?.text, wanted, what);
                }
                if (display !== undefined) assert.equal(displayTextOf(link, inTable), display, what);
                if (inTable) assert.equal(rowCells(written), 2, `the row keeps its cells: ${what}`);
                checked++;
              }
            }
          }
        }
      }
      assert.ok(checked > 10000, `${checked} links checked`);
      assert.ok(asMarkdown > 0, 'some names cannot be wiki-links');
    });

    it('a rewritten link resolves to the new target with its subpath and text, after random moves', () => {
      let rewritten = 0;
      for (let seed = 100; seed < 160; seed++) {
        const rand = prng(seed);
        const v = layout(rand);
        const paths = [...v.files.paths()];
        const notePaths = paths.filter((p) => p.endsWith('.md'));
        for (let k = 0; k < 10; k++) {
          const from = notePaths[Math.floor(rand() * notePaths.length)];
          const oldTarget = paths[Math.floor(rand() * paths.length)];
          if (oldTarget === from) continue;
          const style = STYLES[Math.floor(rand() * 2)];
          const pathForm = FORMS[Math.floor(rand() * 3)];
          const display = rand() < 0.5 ? undefined : 'shown';
          const h = v.headings.get(oldTarget);
          const subpath = h && rand() < 0.5 ? h[0] : undefined;
          const written = writeLink(v.files, { from, target: oldTarget, subpath, display }, { style, pathForm });
          const line = `x ${written} y`;
          const link = parseNote(from, line).links[0];
          assert.ok(link, `${written} is a link`);
          // Move the target (and sometimes the linking note) to a new name in another folder.
          const ext = oldTarget.slice(oldTarget.lastIndexOf('.'));
          const newTarget = `${rand() < 0.5 ? 'moved/' : ''}${fileName(rand)}${ext}`;
          const newFrom = rand() < 0.3 ? `elsewhere/${from.split('/').pop()}` : from;
          if (v.files.has(newTarget) || (newFrom !== from && v.files.has(newFrom)) || newTarget === newFrom) continue;
          const after = new FileLookup(paths.filter((p) => p !== oldTarget && p !== from));
          after.add(newTarget);
          after.add(newFrom);
          let edits: TextEdit[];
          try {
            edits = rewriteLink(after, from, link, { oldTarget, newTarget, newFrom });
          } catch (e) {
            // A wiki-link cannot take a name with `#`, `^`…: refused, never mangled.
            assert.ok(e instanceof LinkWriteError && link.syntax === 'wiki', String(e));
            continue;
          }
          const out = applyEdits(line, edits);
          const what = `seed ${seed}: ${line} (${from} → ${newFrom}), ${oldTarget} → ${newTarget}: ${out}`;
          const again = parseNote(newFrom, out).links;
          assert.equal(again.length, 1, what);
          const notes = new Map(v.notes);
          notes.delete(oldTarget);
          if (h) notes.set(newTarget, parseNote(newTarget, `# ${h[0]}\n\n## ${h[1]}\n`));
          const res = resolveLink(again[0], newFrom, { files: after, note: (p) => notes.get(p) });
          assert.equal(res.target, newTarget, what);
          assert.equal(again[0].subpath, link.subpath, what);
          assert.equal(again[0].display, link.display, what);
          assert.equal(again[0].syntax, link.syntax, `the style is kept: ${what}`);
          assert.equal(again[0].embed, link.embed, what);
          assert.ok(out.startsWith('x ') && out.endsWith(' y'), what);
          for (const e of edits) {
            const inPath = e.range.start.character >= linkPathRange(link).start.character && e.range.end.character <= (linkSubpathRange(link) ?? linkPathRange(link)).end.character;
            assert.ok(inPath, `edit outside the path and subpath: ${what}`);
          }
          rewritten++;
        }
      }
      assert.ok(rewritten > 300, `${rewritten} links rewritten`);
    });
  });
});
