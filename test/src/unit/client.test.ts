/**
 * The extension's editor-free logic: status texts, new-note paths and templates, block references, the client's
 * mirror of the vault's file list, and what the preview plugin is given.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileLookup, freshBlockId, parseNote } from '@ospo-notes/engine';
import { applyEdit, blockAtLine, blockReferenceText, planBlockReference } from '../../../client/out/blockRef';
import {
  absoluteInside,
  DEFAULT_NEW_NOTE_TEMPLATE,
  newNotePath,
  planCreateNote,
  expandTemplate,
  staysInsideReally,
} from '../../../client/out/newNote';
import { previewOptions, Throttle, type Clock } from '../../../client/out/previewHost';
import type { IndexStatus, VaultCheck } from '../../../client/out/protocol';
import { checkSummary, counted, formatCount, ProblemCounter, quietFolders, statusView, visibleProblemCount } from '../../../client/out/status';
import { VaultFiles } from '../../../client/out/vaultFiles';

/** A new note's text from its template, as created for `title`. */
const expandForTitle = (template: string, title: string): string => expandTemplate(template, { title, now: new Date(2024, 0, 5, 9, 7) });

const ROOT = path.resolve(os.tmpdir(), 'vault-under-test');

function vaultStatus(over: Partial<IndexStatus['vaults'][number]> = {}): IndexStatus['vaults'][number] {
  return { uri: 'file:///v', name: 'v', vault: true, ready: true, notes: 0, files: 0, problems: 0, ...over };
}

describe('client: status bar', () => {
  it('groups digits the same way everywhere and says 1 note, 2 notes', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(counted(1, 'note'), '1 note');
    assert.equal(counted(0, 'note'), '0 notes');
    assert.equal(counted(1234, 'problem'), '1,234 problems');
  });

  it('spins while the server starts and while any vault is indexing', () => {
    const starting = statusView(undefined, 0);
    assert.equal(starting.busy, true);
    assert.match(starting.text, /^\$\(sync~spin\)/);
    const one = statusView({ vaults: [vaultStatus({ ready: false })] }, 0);
    assert.equal(one.text, '$(sync~spin) Indexing notes…');
    assert.equal(one.busy, true);
    const two = statusView({ vaults: [vaultStatus(), vaultStatus({ uri: 'file:///w', name: 'w', ready: false })] }, 0);
    assert.equal(two.text, '$(sync~spin) Indexing 1 vault…');
    assert.match(two.tooltip, /w: indexing…/);
  });

  it('shows notes and problems once indexed, summed over vaults, with a per-vault tooltip', () => {
    const view = statusView(
      {
        vaults: [
          vaultStatus({ name: 'docs', notes: 1200, files: 1300, problems: 3 }),
          vaultStatus({ uri: 'file:///w', name: 'wiki', notes: 34, files: 34, problems: 1 }),
        ],
      },
      5,
    );
    assert.equal(view.text, '$(book) 1,234 notes · 5 problems');
    assert.equal(view.busy, false);
    assert.match(view.tooltip, /docs: 1,200 notes, 100 attachments, 3 notes with problems/);
    assert.match(view.tooltip, /wiki: 34 notes, 0 attachments, 1 note with problems/);
    assert.match(view.tooltip, /Click to check the vault/);
    assert.equal(statusView({ vaults: [vaultStatus({ notes: 1, files: 1 })] }, 1).text, '$(book) 1 note · 1 problem');
  });

  it('shows no item until the server reports a vault, and none for folders that are not vaults', () => {
    assert.equal(statusView(undefined, 0).visible, false);
    assert.equal(statusView({ vaults: [] }, 0).visible, false);
    const quiet = vaultStatus({ uri: 'file:///repo', name: 'repo', vault: false, notes: 475, files: 475, problems: 3 });
    assert.equal(statusView({ vaults: [quiet] }, 2).visible, false);
    assert.deepEqual(quietFolders({ vaults: [quiet, vaultStatus()] }).map((v) => v.name), ['repo']);
    assert.deepEqual(quietFolders(undefined), []);
    // A vault next to a code repository: the item counts the vault's notes only.
    const both = statusView({ vaults: [vaultStatus({ notes: 7, files: 8 }), quiet] }, 1);
    assert.equal(both.visible, true);
    assert.equal(both.text, '$(book) 7 notes · 1 problem');
    assert.doesNotMatch(both.tooltip, /repo/);
  });

  it('counts problems per document, replacing a document’s count on each publish', () => {
    const c = new ProblemCounter();
    assert.equal(c.set('file:///a.md', 3), true);
    assert.equal(c.set('file:///b.md', 2), true);
    assert.equal(c.total, 5);
    assert.equal(c.set('file:///a.md', 3), false);
    assert.equal(c.set('file:///a.md', 1), true);
    assert.equal(c.total, 3);
    assert.equal(c.set('file:///b.md', 0), true);
    assert.equal(c.set('file:///never.md', 0), false);
    assert.equal(c.total, 1);
    c.clear();
    assert.equal(c.total, 0);
  });

  it('leaves hints out of the problem count, as the Problems panel does', () => {
    const severities = [1, 2, 3, 4, 4];
    assert.equal(
      visibleProblemCount(severities, (s) => s === 4),
      3,
    );
  });

  it('summarises "Check vault"', () => {
    const r = (over: Partial<VaultCheck> = {}): VaultCheck => ({ uri: 'file:///v', vault: true, errors: 0, warnings: 0, information: 0, hints: 0, notesWithProblems: 0, ...over });
    assert.equal(checkSummary([r()], 1234), 'OSPO Notes: no problems in 1,234 notes.');
    assert.equal(
      checkSummary([r({ errors: 1, warnings: 4, notesWithProblems: 2 }), r({ uri: 'file:///w', warnings: 1, information: 2, notesWithProblems: 1 })], 10),
      'OSPO Notes: 1 error, 5 warnings, 2 info in 3 notes (checked 10 notes).',
    );
    assert.equal(checkSummary([r({ hints: 2, notesWithProblems: 1 })]), 'OSPO Notes: 2 hints in 1 note (checked the vault).');
    assert.match(checkSummary([]), /still being indexed/);
    // Outside a vault the Problems panel the command opens shows open notes only: the message says why.
    assert.equal(
      checkSummary([r({ vault: false, warnings: 712, notesWithProblems: 40 })], 475),
      'OSPO Notes: 712 warnings in 40 notes (checked 475 notes). Outside a vault the Problems panel lists open notes only; "OSPO Notes: Treat this Folder as a Vault" lists every note.',
    );
  });
});

describe('client: new note for a link', () => {
  const ok = (linkpath: string, source: string, folder = '') => {
    const r = newNotePath(linkpath, source, folder);
    assert.ok(r.ok, `expected a path for ${linkpath}, got: ${r.ok ? '' : r.reason}`);
    return r.path;
  };
  const refused = (linkpath: string, source: string, folder = ''): string => {
    const r = newNotePath(linkpath, source, folder);
    assert.ok(!r.ok, `expected ${linkpath} to be refused, got ${r.ok ? r.path : ''}`);
    return r.reason;
  };

  it('puts a bare name in the new-note folder: the root, a folder, or beside the linking note', () => {
    assert.equal(ok('Idea', 'notes/today.md'), 'Idea.md');
    assert.equal(ok('Idea', 'notes/today.md', 'inbox'), 'inbox/Idea.md');
    assert.equal(ok('Idea', 'notes/today.md', '/inbox/later/'), 'inbox/later/Idea.md');
    assert.equal(ok('Idea', 'notes/today.md', '.'), 'notes/Idea.md');
    assert.equal(ok('Idea', 'notes/today.md', './drafts'), 'notes/drafts/Idea.md');
    assert.equal(ok('Idea', 'notes/today.md', '../inbox'), 'inbox/Idea.md');
    assert.equal(ok('Idea', 'today.md', '.'), 'Idea.md');
  });

  it('refuses a name holding half of a character (an emoji cut by an edit): no file or URI can be named by it', () => {
    assert.match(refused('Idea \uD83D', 'today.md'), /half of a character/);
    assert.match(refused('\uDE00x/Idea', 'today.md'), /half of a character/);
    assert.equal(ok('Idea \uD83D\uDE00', 'today.md'), 'Idea \uD83D\uDE00.md');
  });

  it('creates a link with a folder at that path from the vault root (R3.4), whatever the new-note folder', () => {
    assert.equal(ok('projects/Plan', 'notes/today.md', 'inbox'), 'projects/Plan.md');
    assert.equal(ok('/Plan', 'notes/today.md', 'inbox'), 'Plan.md');
  });

  it('resolves ./ and ../ against the linking note (R3.5)', () => {
    assert.equal(ok('./Plan', 'a/b/today.md'), 'a/b/Plan.md');
    assert.equal(ok('../Plan', 'a/b/today.md'), 'a/Plan.md');
    assert.equal(ok('../x/../Plan', 'a/b/today.md'), 'a/Plan.md');
  });

  it('refuses paths outside the vault instead of clamping them', () => {
    assert.match(refused('../../Plan', 'a/today.md'), /outside the vault/);
    assert.match(refused('../Plan', 'today.md'), /outside the vault/);
    assert.match(refused('Idea', 'today.md', '../elsewhere'), /outside the vault/);
    assert.match(refused('x/../../Plan', 'today.md'), /outside the vault/);
  });

  it('keeps .md, adds it to names with other dots, and refuses attachments', () => {
    assert.equal(ok('Plan.md', 'today.md'), 'Plan.md');
    assert.equal(ok('My.Note', 'today.md'), 'My.Note.md');
    assert.equal(ok('v1.2 release', 'today.md'), 'v1.2 release.md');
    assert.match(refused('diagram.png', 'today.md'), /attachment/);
    assert.match(refused('paper.PDF', 'today.md'), /attachment/);
  });

  it('refuses names that cannot be files or would be hidden from the vault', () => {
    assert.match(refused('What: now?', 'today.md'), /not allowed/);
    assert.match(refused('.trash/Old', 'today.md'), /hidden/);
    assert.match(refused('Idea', 'today.md', '.obsidian'), /hidden/);
    assert.match(refused('folder/', 'today.md'), /folder/);
    assert.match(refused('', 'today.md'), /this note/);
  });

  it('writes names in NFC, as the index stores them', () => {
    assert.equal(ok('Cafe\u0301', 'today.md'), 'Caf\u00e9.md');
  });

  it('maps vault paths into the root and refuses anything outside it', () => {
    assert.equal(absoluteInside(ROOT, 'a/b.md'), path.join(ROOT, 'a', 'b.md'));
    assert.equal(absoluteInside(ROOT, '../b.md'), undefined);
    assert.equal(absoluteInside(ROOT, ''), undefined);
    assert.equal(absoluteInside(ROOT, 'a/../../b.md'), undefined);
  });

  it('follows symlinks before deciding that a new file stays inside the workspace', () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-client-')));
    try {
      const root = path.join(tmp, 'vault');
      const outside = path.join(tmp, 'outside');
      fs.mkdirSync(path.join(root, 'notes'), { recursive: true });
      fs.mkdirSync(outside);
      fs.symlinkSync(outside, path.join(root, 'escape'), 'dir');
      assert.equal(staysInsideReally(root, path.join(root, 'notes', 'new', 'deeper', 'Idea.md')), true);
      assert.equal(staysInsideReally(root, path.join(root, 'Idea.md')), true);
      assert.equal(staysInsideReally(root, path.join(root, 'escape', 'Idea.md')), false);
      assert.equal(staysInsideReally(root, path.join(root, 'escape', 'sub', 'Idea.md')), false);
      assert.equal(staysInsideReally(root, path.join(tmp, 'Idea.md')), false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('fills the template, quoting a frontmatter title only when YAML needs it', () => {
    assert.equal(expandForTitle(DEFAULT_NEW_NOTE_TEMPLATE, 'Idea'), '---\ntitle: Idea\nvisibility: private\n---\n\n# Idea\n');
    assert.equal(expandForTitle(DEFAULT_NEW_NOTE_TEMPLATE, 'Q: why'), '---\ntitle: "Q: why"\nvisibility: private\n---\n\n# Q: why\n');
    for (const title of ['123', 'true', 'null', '#1 idea', '- list', "it's", '2024-01-02 log', '@home', 'a #b']) {
      const text = expandForTitle(DEFAULT_NEW_NOTE_TEMPLATE, title);
      const fm = parseNote('n.md', text).frontmatter;
      assert.equal(fm?.error, undefined, `${title}: ${fm?.error?.message}`);
      assert.equal(fm?.data?.title, title, `${title} reads back as itself`);
    }
    // A placeholder the user quoted or embedded in other text is left to the user.
    assert.equal(expandForTitle('---\ntitle: "{{title}}"\n---\n', 'Idea'), '---\ntitle: "Idea"\n---\n');
    assert.equal(expandForTitle('---\naliases: [{{title}} notes]\n---\n{{title}} and {{title}}', 'X'), '---\naliases: [X notes]\n---\nX and X');
    assert.equal(expandForTitle('no frontmatter: {{title}}', 'Q: why'), 'no frontmatter: Q: why');
  });

  describe('planCreateNote', () => {
    const files = new FileLookup(['notes/today.md', 'Existing.md', 'img/pic.png']);
    const at = (text: string, marker = '‸') => {
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes(marker));
      return { text: text.replace(marker, ''), position: { line, character: lines[line].indexOf(marker) } };
    };

    it('creates the note of an unresolved link under the cursor', () => {
      const { text, position } = at('See [[Miss‸ing idea]] and more.');
      assert.deepEqual(planCreateNote(text, 'notes/today.md', position, files, 'inbox'), { kind: 'create', path: 'inbox/Missing idea.md', title: 'Missing idea' });
    });

    it('uses the link’s path for embeds, subpaths and aliases too', () => {
      const { text, position } = at('![[projects/Pl‸an#Goals|the plan]]');
      assert.deepEqual(planCreateNote(text, 'notes/today.md', position, files, ''), { kind: 'create', path: 'projects/Plan.md', title: 'Plan' });
      const md = at('[plan](../Big%20Pl‸an.md)');
      assert.deepEqual(planCreateNote(md.text, 'notes/today.md', md.position, files, ''), { kind: 'create', path: 'Big Plan.md', title: 'Big Plan' });
    });

    it('opens the target of a link that resolves', () => {
      const { text, position } = at('[[exist‸ing#No such heading]]');
      assert.deepEqual(planCreateNote(text, 'notes/today.md', position, files, ''), { kind: 'exists', path: 'Existing.md' });
    });

    it('refuses without a vault link under the cursor', () => {
      const cases = ['No link ‸here [[Existing]]', '[web](https://exa‸mple.org)', '[[#Some ‸heading]]', '`[[In co‸de]]`'];
      for (const c of cases) {
        const { text, position } = at(c);
        assert.equal(planCreateNote(text, 'notes/today.md', position, files, '').kind, 'refuse', c);
      }
    });
  });
});

describe('client: copy block reference', () => {
  /** Plans a reference for the line holding `‸`, applies any edit, and checks the id names a block holding that line. */
  const reference = (textWithCursor: string, seed = 7) => {
    const lines = textWithCursor.split('\n');
    const line = lines.findIndex((l) => l.includes('‸'));
    const text = textWithCursor.replace('‸', '');
    const plan = planBlockReference('note.md', text, line, seed);
    if (!plan.ok) return { ok: false as const, reason: plan.reason, text };
    const after = plan.edit ? applyEdit(text, plan.edit) : text;
    if (plan.subpath.startsWith('^')) {
      const id = plan.subpath.slice(1);
      const b = parseNote('note.md', after).blockIds.find((x) => x.id === id);
      assert.ok(b && b.startLine <= line && line <= b.endLine, `^${id} names the block of line ${line}`);
    }
    return { ok: true as const, subpath: plan.subpath, edited: plan.edit !== undefined, after };
  };

  it('finds the block a line belongs to', () => {
    const text = [
      '---', //          0
      'title: x', //     1
      '---', //          2
      'Para one', //     3
      'continues', //    4
      '', //             5
      '- item a', //     6
      '  - sub b', //    7
      '- item c', //     8
      '', //             9
      '> quoted', //    10
      '> more', //      11
      '', //            12
      '| a | b |', //   13
      '| - | - |', //   14
      '| 1 | 2 |', //   15
      '', //            16
      '```', //         17
      'code', //        18
      '```', //         19
      '## Head', //     20
    ].join('\n');
    assert.equal(blockAtLine(text, 1), undefined, 'frontmatter');
    assert.deepEqual(blockAtLine(text, 4), { kind: 'paragraph', startLine: 3, endLine: 4, idLine: 4 });
    assert.equal(blockAtLine(text, 5), undefined, 'blank line');
    assert.deepEqual(blockAtLine(text, 6), { kind: 'list-item', startLine: 6, endLine: 7, idLine: 6 });
    assert.deepEqual(blockAtLine(text, 7), { kind: 'list-item', startLine: 7, endLine: 7, idLine: 7 });
    assert.deepEqual(blockAtLine(text, 10), { kind: 'quote', startLine: 10, endLine: 11, idLine: 11 });
    assert.deepEqual(blockAtLine(text, 15), { kind: 'table', startLine: 13, endLine: 15, idLine: 15 });
    assert.equal(blockAtLine(text, 18), undefined, 'code');
    assert.deepEqual(blockAtLine(text, 20), { kind: 'heading', startLine: 20, endLine: 20, idLine: 20 });
  });

  it('adds a fresh id at the end of a paragraph that has none', () => {
    const r = reference('Intro.\n\nFirst ‸line\nsecond line  \n\nAfter.');
    assert.ok(r.ok && r.edited);
    assert.match(r.subpath, /^\^[0-9a-f]{6}$/);
    assert.equal(r.after, `Intro.\n\nFirst line\nsecond line ${r.subpath}\n\nAfter.`);
  });

  it('reuses the id a block already has, from any of its lines', () => {
    const r = reference('First ‸line\nsecond line ^keep-me\n');
    assert.deepEqual(r.ok && [r.subpath, r.edited], ['^keep-me', false]);
    const item = reference('- one\n- tw‸o ^item2\n  - nested\n- three');
    assert.deepEqual(item.ok && [item.subpath, item.edited], ['^item2', false]);
  });

  it('names the list item under the cursor, not the whole list', () => {
    const r = reference('- one\n- tw‸o\n  - nested\n- three\n\n^whole-list');
    assert.ok(r.ok && r.edited);
    assert.equal(r.after, `- one\n- two ${r.subpath}\n  - nested\n- three\n\n^whole-list`);
    const nested = reference('- one\n  - nes‸ted\n- three');
    assert.ok(nested.ok && nested.after === `- one\n  - nested ${nested.subpath}\n- three`);
  });

  it('reuses the id standing alone after a list when the cursor is on it', () => {
    const plan = planBlockReference('note.md', '- one\n- two\n\n^whole-list\n', 3);
    assert.deepEqual(plan, { ok: true, subpath: '^whole-list' });
  });

  it('names a quote or callout as a whole, with the id on its own line after it', () => {
    const r = reference('> [!note] Title\n> bo‸dy\nlazy\n\nNext');
    assert.ok(r.ok && r.edited);
    assert.equal(r.after, `> [!note] Title\n> body\nlazy\n\n${r.subpath}\n\nNext`);
    const quote = reference('Before\n\n> one\n> tw‸o');
    assert.ok(quote.ok && quote.after === `Before\n\n> one\n> two\n\n${quote.subpath}`);
  });

  it('names a table as a whole', () => {
    const r = reference('| a | b |\n| - | - |\n| 1 | ‸2 |\n\nText after');
    assert.ok(r.ok && r.edited, r.ok ? '' : r.reason);
    assert.equal(r.after, `| a | b |\n| - | - |\n| 1 | 2 |\n\n${r.subpath}\n\nText after`);
    // A line without pipes right after a table is one more row (GFM), so the id goes after it.
    const lazy = reference('| a | b |\n| - | - |\n| 1 | ‸2 |\nmore');
    assert.ok(lazy.ok && lazy.after === `| a | b |\n| - | - |\n| 1 | 2 |\nmore\n\n${lazy.subpath}`);
  });

  it('references a heading by its text, and by a block id when the text is a duplicate', () => {
    const unique = reference('# Top\n\n## Next ‸step\n\nText');
    assert.deepEqual(unique.ok && [unique.subpath, unique.edited], ['Next step', false]);
    const dup = reference('## Notes\n\nA\n\n## No‸tes\n\nB');
    assert.ok(dup.ok && dup.edited);
    assert.equal(dup.after, `## Notes\n\nA\n\n## Notes ${dup.subpath}\n\nB`);
  });

  it('refuses code, blank lines and frontmatter', () => {
    for (const t of ['```\nco‸de\n```', 'a\n‸\nb', '---\nti‸tle: x\n---\nBody', '    indented co‸de']) {
      const r = reference(t);
      assert.equal(r.ok, false, t);
    }
  });

  it('never reuses an id the note already has', () => {
    const seeded = freshBlockId(new Set(), 5);
    const plan = planBlockReference('n.md', `One ^${seeded.toUpperCase()}\n\nTwo`, 2, 5);
    assert.ok(plan.ok && plan.edit);
    assert.notEqual(plan.subpath.toLowerCase(), `^${seeded}`);
  });

  it('keeps CRLF line ends intact', () => {
    const r = reference('One\r\nTw‸o\r\n\r\nThree');
    assert.ok(r.ok && r.after === `One\r\nTwo ${r.subpath}\r\n\r\nThree`);
  });

  it('writes the shortest unambiguous note name', () => {
    const files = new FileLookup(['a/Note.md', 'b/Note.md', 'c/Unique.md']);
    assert.equal(blockReferenceText(files, 'a/Note.md', '^abc123'), '[[a/Note#^abc123]]');
    assert.equal(blockReferenceText(files, 'c/Unique.md', '^abc123'), '[[Unique#^abc123]]');
    assert.equal(blockReferenceText(files, 'c/Unique.md', 'Heading'), '[[Unique#Heading]]');
    assert.equal(blockReferenceText(undefined, 'x/Outside.md', '^abc123'), '[[Outside#^abc123]]');
    assert.equal(blockReferenceText(files, 'not/indexed/Yet.md', '^abc123'), '[[Yet#^abc123]]');
  });
});

describe('client: VaultFiles mirror', () => {
  const outer = path.join(ROOT, 'outer');
  const inner = path.join(outer, 'inner');
  const make = () => {
    const v = new VaultFiles();
    v.reset([
      { uri: 'file:///outer', root: outer, ready: true, files: ['a.md', 'inner/x.md', 'img/p.png'] },
      { uri: 'file:///inner', root: inner, ready: true, files: ['x.md'] },
    ]);
    return v;
  };

  it('finds a document’s vault, the innermost root winning', () => {
    const v = make();
    assert.equal(v.vaultFor(path.join(outer, 'a.md'))?.root, outer);
    assert.equal(v.vaultFor(path.join(inner, 'x.md'))?.root, inner);
    assert.deepEqual(v.locate(path.join(inner, 'sub', 'y.md'))?.path, 'sub/y.md');
    assert.equal(v.vaultFor(path.join(ROOT, 'elsewhere.md')), undefined);
    assert.equal(v.vaultFor(outer), undefined, 'the root folder itself is no document');
    assert.equal(v.vaultFor(path.join(outer, '.obsidian', 'n.md')), undefined);
    assert.equal(v.vaultFor(path.join(outer, 'node_modules', 'n.md')), undefined);
    assert.equal(v.vaultFor(path.join(ROOT, 'outer-other', 'n.md')), undefined, 'a sibling folder sharing the prefix');
  });

  it('knows no vault while the server is indexing it', () => {
    const v = new VaultFiles();
    v.reset([{ uri: 'file:///outer', root: outer, ready: false, files: [] }]);
    assert.equal(v.vaultFor(path.join(outer, 'a.md')), undefined);
  });

  it('applies ospo/filesChanged to the right vault and reports whether anything changed', () => {
    const v = make();
    const before = v.version;
    const files = v.vaultFor(path.join(outer, 'a.md'))!.files;
    assert.equal(v.apply({ uri: 'file:///outer', added: ['new/Note.md', 'a.md'], removed: ['img/p.png'] }), true);
    assert.deepEqual([...files.paths()].sort(), ['a.md', 'inner/x.md', 'new/Note.md']);
    assert.ok(v.version > before);
    assert.deepEqual(files.withNoteName('note'), ['new/Note.md']);
    const unchanged = v.version;
    assert.equal(v.apply({ uri: 'file:///outer', added: ['a.md'], removed: ['gone.md'] }), false);
    assert.equal(v.apply({ uri: 'file:///unknown', added: ['z.md'], removed: [] }), false);
    assert.equal(v.version, unchanged);
    assert.deepEqual([...v.vaultFor(path.join(inner, 'x.md'))!.files.paths()], ['x.md']);
  });

  it('starts afresh on reset and empties on clear', () => {
    const v = make();
    v.reset([{ uri: 'file:///outer', root: outer, ready: true, files: ['only.md'] }]);
    assert.deepEqual([...v.vaultFor(path.join(outer, 'only.md'))!.files.paths()], ['only.md']);
    assert.equal(v.vaultFor(path.join(inner, 'x.md'))?.root, outer);
    v.clear();
    assert.equal(v.all.length, 0);
  });
});

describe('client: preview options', () => {
  it('reads only files inside the workspace folders, symlinks followed', () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-client-')));
    try {
      const ws = path.join(tmp, 'ws');
      fs.mkdirSync(ws);
      fs.writeFileSync(path.join(ws, 'in.md'), 'inside');
      fs.writeFileSync(path.join(tmp, 'secret.md'), 'outside');
      fs.symlinkSync(path.join(tmp, 'secret.md'), path.join(ws, 'link.md'));
      let folders = [ws];
      const options = previewOptions({ files: new VaultFiles(), workspaceFolders: () => folders, embedDepth: () => 2 });
      assert.equal(Buffer.from(options.readFile(path.join(ws, 'in.md'))!).toString(), 'inside');
      assert.equal(options.readFile(path.join(tmp, 'secret.md')), undefined);
      assert.equal(options.readFile(path.join(ws, 'link.md')), undefined, 'a symlink leading out');
      assert.equal(options.readFile(path.join(ws, 'missing.md')), undefined);
      assert.equal(options.readFile(ws), undefined);
      folders = [tmp];
      assert.equal(Buffer.from(options.readFile(path.join(tmp, 'secret.md'))!).toString(), 'outside', 'folders are read again when they change');
      assert.equal(options.maxEmbedDepth?.(), 2);
      assert.equal(options.maxEmbeds, undefined, 'the plugin\'s default budget without settings');
      const budgeted = previewOptions({ files: new VaultFiles(), workspaceFolders: () => folders, embedDepth: () => 2, maxEmbeds: () => 50, maxEmbedKilobytes: () => 3 });
      assert.equal(budgeted.maxEmbeds?.(), 50);
      assert.equal(budgeted.maxEmbedBytes?.(), 3 * 1024);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('writes hrefs relative to the previewed document and passes vaults through', () => {
    const files = new VaultFiles();
    files.reset([{ uri: 'file:///v', root: ROOT, ready: true, files: ['a/My Note.md'] }]);
    const options = previewOptions({ files, workspaceFolders: () => [ROOT], embedDepth: () => 3 });
    const doc = path.join(ROOT, 'b', 'doc.md');
    assert.equal(options.toHref(path.join(ROOT, 'a', 'My Note.md'), 'L3', doc), '../a/My%20Note.md#L3');
    assert.equal(options.resourceUri(path.join(ROOT, 'b', 'img.png'), doc), 'img.png');
    assert.match(options.toHref(path.join(ROOT, 'a', 'x.md')), /^file:\/\/.*\/a\/x\.md$/);
    assert.equal(options.vaultFor(doc)?.root, ROOT);
    assert.ok(options.vaultFor(doc)?.files.has('a/My Note.md'));
  });
});

describe('client: throttle', () => {
  class FakeClock implements Clock {
    t = 0;
    timers: Array<{ at: number; fn: () => void } | undefined> = [];
    now(): number {
      return this.t;
    }
    setTimeout(fn: () => void, ms: number): unknown {
      this.timers.push({ at: this.t + ms, fn });
      return this.timers.length - 1;
    }
    clearTimeout(h: unknown): void {
      this.timers[h as number] = undefined;
    }
    advance(ms: number): void {
      this.t += ms;
      for (let i = 0; i < this.timers.length; i++) {
        const timer = this.timers[i];
        if (timer && timer.at <= this.t) {
          this.timers[i] = undefined;
          timer.fn();
        }
      }
    }
  }

  it('runs at once after a quiet period, then at most once per interval, never dropping the last trigger', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const t = new Throttle(() => runs.push(clock.t), 500, clock);
    t.trigger();
    assert.deepEqual(runs, [0]);
    clock.advance(100);
    t.trigger();
    t.trigger();
    clock.advance(100);
    t.trigger();
    assert.deepEqual(runs, [0]);
    clock.advance(300);
    assert.deepEqual(runs, [0, 500]);
    clock.advance(2000);
    assert.deepEqual(runs, [0, 500]);
    t.trigger();
    assert.deepEqual(runs, [0, 500, 2500]);
    t.trigger();
    t.dispose();
    clock.advance(1000);
    assert.deepEqual(runs, [0, 500, 2500]);
  });
});
