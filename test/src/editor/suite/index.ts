/// <reference types="vscode" />
/**
 * In-editor checks of the extension, run inside a real extension host with the repository as the extension
 * under development and a copy of `examples/ospo-vault` as the workspace folder.
 *
 * The module has the shape `@vscode/test-electron` and the harness's `runExtensionTestsInServer` expect: `run()`
 * resolves when every check passed and rejects otherwise. It needs nothing but `vscode` and Node's built-ins (a
 * test framework inside the extension host would be one more thing to load and configure for a dozen sequential
 * checks). Every check runs even after one fails, and each reports a line on the console, which both runners
 * show.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ospo-notes.ospo-notes';
/** How long the language server may take to index the vault and answer; generous for a slow CI machine. */
const READY_MS = 30_000;

const OSPO = 'public/tech/OSPO.md';
const WHO = 'public/orgs/WHO.md';
const OPEN_SOURCE = 'public/tech/OpenSource.md';

/** The text of the `^1a1526` block of OpenSource.md as the preview shows it (its two lines joined, marker hidden). */
const BLOCK_TEXT =
  'Every release must carry a licence file, a list of third-party components with their licences, and the ' +
  'notices those licences require; an OSPO checks this before anything is published.';

interface Check {
  name: string;
  fn: () => Promise<void>;
}

const checks: Check[] = [];
const check = (name: string, fn: () => Promise<void>) => void checks.push({ name, fn });

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined; rejects with `what` and the last state. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = READY_MS, describe?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `; last: ${describe()}` : ''}`);
    await sleep(250);
  }
}

function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f;
}

function uriOf(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder().uri, ...rel.split('/'));
}

async function openNote(rel: string, show = false): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** 0-based line of the first line of `doc` that contains `needle`; fails when there is none. */
function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  assert.fail(`${path.basename(doc.uri.path)} has no line containing ${JSON.stringify(needle)}`);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)} ${d.message}`));
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** The line `line` would become if `item` were accepted: its edit range replaced by its insert text. */
function acceptOnLine(line: string, lineNumber: number, item: vscode.CompletionItem): string {
  const r = item.range;
  // An insert/replace pair: the editor's default (insert) is what a user gets.
  const range = r === undefined ? undefined : 'inserting' in r ? r.inserting : r;
  assert.ok(range, `completion item ${labelOf(item)} carries an edit range`);
  assert.equal(range.start.line, lineNumber, 'the edit stays on the completed line');
  assert.equal(range.end.line, lineNumber, 'the edit stays on the completed line');
  const text = item.insertText === undefined ? labelOf(item) : typeof item.insertText === 'string' ? item.insertText : item.insertText.value;
  return line.slice(0, range.start.character) + text + line.slice(range.end.character);
}

async function appendLine(doc: vscode.TextDocument, text: string): Promise<number> {
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, end, `\n${text}`);
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
  return doc.lineCount - 1;
}

async function deleteLastLine(doc: vscode.TextDocument): Promise<void> {
  const last = doc.lineCount - 1;
  const edit = new vscode.WorkspaceEdit();
  edit.delete(doc.uri, new vscode.Range(doc.lineAt(last - 1).range.end, doc.lineAt(last).range.end));
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
}

async function completionsAt(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
  return list?.items ?? [];
}

function locationOf(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range };
}

/** The outer HTML of the first element whose opening tag carries `cls` among its classes (regex-free enough for our output). */
function elementWithClass(html: string, tag: string, cls: string): string | undefined {
  const open = new RegExp(`<${tag}\\b[^>]*\\bclass="[^"]*\\b${cls}\\b[^"]*"[^>]*>`);
  const m = open.exec(html);
  if (!m) return undefined;
  // Walk nested tags of the same name to find the matching close.
  const re = new RegExp(`<${tag}\\b[^>]*>|</${tag}>`, 'g');
  re.lastIndex = m.index + m[0].length;
  let depth = 1;
  for (let t = re.exec(html); t; t = re.exec(html)) {
    depth += t[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(m.index, t.index + t[0].length);
  }
  return undefined;
}

/** Text content of an HTML fragment: tags dropped, entities of our escaper decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Asserts what the preview must show for OSPO.md: the embedded block and the foldable info callout. */
function assertPreviewHtml(html: string, via: string): void {
  const embed = elementWithClass(html, 'div', 'ospo-embed-note');
  assert.ok(embed, `${via}: a note embed element (div.ospo-embed-note) in:\n${html.slice(0, 3000)}`);
  assert.match(embed, /data-embed-path="public\/tech\/OpenSource\.md"/, `${via}: the embed names its note`);
  const content = elementWithClass(embed, 'div', 'ospo-embed-content');
  assert.ok(content, `${via}: the embed has content: ${embed}`);
  // Exactly the block: its text, without the ^id marker and without the rest of the note.
  assert.equal(textOf(content), BLOCK_TEXT, `${via}: embedded block text`);

  const callout = elementWithClass(html, 'details', 'ospo-callout');
  assert.ok(callout, `${via}: a foldable callout element (details.ospo-callout) in:\n${html.slice(0, 3000)}`);
  // VS Code's preview adds its own classes (code-line) to block elements: ours must be among them.
  const classes = /\bclass="([^"]*)"/.exec(callout.slice(0, callout.indexOf('>')))?.[1].split(/\s+/) ?? [];
  assert.ok(classes.includes('ospo-callout') && classes.includes('ospo-callout-info'), `${via}: callout classes: ${classes.join(' ')}`);
  assert.match(callout, /\bdata-callout="info"/, `${via}: callout type`);
  // `[!info]-` is folded: no `open` attribute.
  assert.doesNotMatch(callout.slice(0, callout.indexOf('>')), /\bopen\b/, `${via}: a '-' callout starts folded`);
  const title = elementWithClass(callout, 'summary', 'ospo-callout-title');
  assert.ok(title, `${via}: callout title element`);
  assert.equal(textOf(title.replace(/<span class="ospo-callout-icon"[^>]*>[^<]*<\/span>/, '')), 'OSPO infographic', `${via}: callout title`);
}

// ---------------------------------------------------------------------------------------------------------------

let api: { extendMarkdownIt(md: unknown): unknown } | undefined;
let extensionPath = '';

check('the extension activates and exports extendMarkdownIt', async () => {
  const ext = vscode.extensions.getExtension<{ extendMarkdownIt(md: unknown): unknown }>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  extensionPath = ext.extensionPath;
  api = await ext.activate();
  assert.equal(typeof api?.extendMarkdownIt, 'function', 'activate() returns extendMarkdownIt');
  const commands = await vscode.commands.getCommands(true);
  for (const c of ['ospo-notes.copyBlockReference', 'ospo-notes.createNote', 'ospo-notes.checkVault', 'ospo-notes.restartServer']) {
    assert.ok(commands.includes(c), `command ${c} registered`);
  }
});

check('diagnostics: a web address without a scheme gets missing-scheme, valid links nothing', async () => {
  const doc = await openNote(OSPO, true);
  const found = await waitFor(
    'a missing-scheme diagnostic on OSPO.md',
    () => vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'missing-scheme'),
    READY_MS,
    () => describeDiagnostics(doc.uri),
  );
  assert.equal(
    found.message,
    "'github.com/github/github-ospo' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://github.com/github/github-ospo'.",
  );
  assert.equal(found.severity, vscode.DiagnosticSeverity.Warning);
  assert.equal(found.source, 'ospo-notes');
  assert.equal(found.range.start.line, lineOf(doc, '[github-ospo](github.com/github/github-ospo)'));
  assert.equal(doc.getText(found.range), 'github.com/github/github-ospo', 'the range covers the address');
  // The note's wiki-links, embed and callout all resolve: besides that warning the note has only its encoding
  // damage and its link to the private Samuel Mbuthia.
  assert.deepEqual(
    vscode.languages.getDiagnostics(doc.uri).map((d) => codeOf(d)).sort(),
    ['missing-scheme', 'mojibake', 'private-link'],
    describeDiagnostics(doc.uri),
  );
});

check('diagnostics: a typed [[Nowhere]] is reported, and cleared when the line goes', async () => {
  const doc = await openNote(OSPO, true);
  const line = await appendLine(doc, 'See [[Nowhere]].');
  try {
    const found = await waitFor(
      'an unresolved-link diagnostic for [[Nowhere]]',
      () => vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'unresolved-link'),
      READY_MS,
      () => describeDiagnostics(doc.uri),
    );
    assert.ok(found.message.startsWith("Note 'Nowhere' not found in the vault."), found.message);
    assert.equal(found.severity, vscode.DiagnosticSeverity.Warning, 'ospoNotes.unresolvedLinkSeverity defaults to warning');
    assert.equal(found.range.start.line, line);
    assert.equal(doc.getText(found.range), 'Nowhere');
  } finally {
    await deleteLastLine(doc);
  }
  await waitFor(
    'the unresolved-link diagnostic to go with the line',
    () => (vscode.languages.getDiagnostics(doc.uri).some((d) => codeOf(d) === 'unresolved-link') ? undefined : true),
    READY_MS,
    () => describeDiagnostics(doc.uri),
  );
});

check('completion: [[Git offers the note Github; accepting it writes [[Github]]', async () => {
  const doc = await openNote(OSPO, true);
  // As typed without auto-closing brackets; as the editor leaves it with them (`[[Git]]`, cursor before `]]`);
  // and with one of the two brackets auto-closed (`[[Git]`), which the editor does now and then when `[[` is
  // typed quickly.
  for (const [typed, cursorFromEnd] of [
    ['[[Git', 0],
    ['[[Git]]', 2],
    ['[[Git]', 1],
  ] as const) {
    const line = await appendLine(doc, typed);
    try {
      const position = new vscode.Position(line, typed.length - cursorFromEnd);
      // Ours is the note's file item; the editor's word-based completion also offers "Github" (a word of the
      // note), as plain text, and must not be what this check finds.
      const ours = (i: vscode.CompletionItem) => labelOf(i) === 'Github' && i.kind === vscode.CompletionItemKind.File;
      let seen: vscode.CompletionItem[] = [];
      const items = await waitFor(
        `our Github completion item at ${typed}`,
        async () => {
          seen = await completionsAt(doc, position);
          return seen.some(ours) ? seen : undefined;
        },
        READY_MS,
        () => JSON.stringify(seen.slice(0, 15).map((i) => [labelOf(i), i.kind, i.detail])),
      );
      const github = items.filter(ours);
      assert.equal(github.length, 1, `one Github file item: ${JSON.stringify(github.map((i) => [labelOf(i), i.detail]))}`);
      assert.equal(github[0].detail, 'public/orgs/Github.md', 'the item names the note it links to');
      assert.equal(acceptOnLine(doc.lineAt(line).text, line, github[0]), '[[Github]]', `accepting Github on ${typed}`);
    } finally {
      await deleteLastLine(doc);
    }
  }
});

check('definition: [[WHO#OSPO]] goes to the "## OSPO" heading of WHO.md', async () => {
  const doc = await openNote(OSPO, true);
  const line = lineOf(doc, '[[WHO#OSPO]]');
  const character = doc.lineAt(line).text.indexOf('[[WHO#OSPO]]') + 3; // inside "WHO"
  const who = await openNote(WHO);
  const expected = lineOf(who, '## OSPO');
  const result = await waitFor('a definition of [[WHO#OSPO]]', async () => {
    const r = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(line, character));
    return r && r.length > 0 ? r : undefined;
  });
  assert.equal(result.length, 1, `one definition: ${JSON.stringify(result.map(locationOf))}`);
  const target = locationOf(result[0]);
  assert.equal(target.uri.toString(), who.uri.toString(), 'the definition is in WHO.md');
  assert.equal(target.range.start.line, expected, 'on the "## OSPO" line');
  assert.equal(expected, 12, 'the fixture vault still has "## OSPO" on line 13 of WHO.md');
});

check('definition: ![[OpenSource#^1a1526]] goes to the block', async () => {
  const doc = await openNote(OSPO, true);
  const line = lineOf(doc, '![[OpenSource#^1a1526]]');
  const target = await openNote(OPEN_SOURCE);
  const result = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(line, 5));
  assert.equal(result?.length, 1, `one definition: ${JSON.stringify((result ?? []).map(locationOf))}`);
  const loc = locationOf(result[0]);
  assert.equal(loc.uri.toString(), target.uri.toString());
  assert.equal(loc.range.start.line, lineOf(target, 'Every release must carry a licence file'), 'on the first line of the block');
});

check('preview: markdown.api.render shows the embedded block and the callout', async () => {
  const doc = await openNote(OSPO, true);
  // The client learns the vault's file list after indexing; until then the embed cannot resolve.
  let last = '';
  const html = await waitFor(
    'the block embed in markdown.api.render output',
    async () => {
      last = String(await vscode.commands.executeCommand('markdown.api.render', doc));
      return last.includes('ospo-embed-note') ? last : undefined;
    },
    READY_MS,
    () => last.slice(0, 2000),
  );
  assertPreviewHtml(html, 'markdown.api.render');
});

check("preview: the exported extendMarkdownIt on a fresh markdown-it renders the same", async () => {
  assert.ok(api, 'the extension activated');
  const doc = await openNote(OSPO);
  // The markdown-it the extension itself depends on, as VS Code's preview would hand one over.
  const MarkdownIt = require(require.resolve('markdown-it', { paths: [extensionPath] })) as new (opts?: object) => { render(src: string, env?: object): string };
  const md = new MarkdownIt({ html: true, linkify: true });
  const extended = api.extendMarkdownIt(md) as typeof md;
  assert.equal(extended, md, 'extendMarkdownIt returns the instance it was given');
  assertPreviewHtml(md.render(doc.getText(), { currentDocument: doc.uri }), 'extendMarkdownIt');
});

check('command: Copy Block Reference on a block with an id copies [[OpenSource#^1a1526]]', async () => {
  const doc = await openNote(OPEN_SOURCE);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const line = lineOf(doc, 'notices those licences require');
  editor.selection = new vscode.Selection(line, 3, line, 3);
  await vscode.env.clipboard.writeText('clipboard before the command');
  await vscode.commands.executeCommand('ospo-notes.copyBlockReference');
  assert.equal(await vscode.env.clipboard.readText(), '[[OpenSource#^1a1526]]');
  assert.equal(doc.isDirty, false, 'an existing id is reused, the note is not edited');
});

check('command: Copy Block Reference on a block without an id adds one and copies it', async () => {
  const doc = await openNote(WHO);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const line = lineOf(doc, 'The United Nations agency');
  const before = doc.lineAt(line).text;
  editor.selection = new vscode.Selection(line, 0, line, 0);
  await vscode.env.clipboard.writeText('clipboard before the command');
  await vscode.commands.executeCommand('ospo-notes.copyBlockReference');
  const copied = await vscode.env.clipboard.readText();
  const m = /^\[\[WHO#\^([A-Za-z0-9-]+)\]\]$/.exec(copied);
  assert.ok(m, `a [[WHO#^id]] reference was copied: ${JSON.stringify(copied)}`);
  assert.equal(doc.lineAt(line).text, `${before} ^${m[1]}`, 'the id is written at the end of the paragraph');
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(doc.lineAt(line).text, before, 'reverted');
});

check("quick fix: the missing-scheme warning offers Add 'https://'", async () => {
  const doc = await openNote(OSPO);
  const diag = await waitFor('the missing-scheme diagnostic', () => vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'missing-scheme'));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.title === "Add 'https://'");
  assert.ok(fix, `quick fixes offered: ${JSON.stringify(actions.map((a) => a.title))}`);
  const edits = fix.edit?.get(doc.uri) ?? [];
  assert.deepEqual(edits.map((e) => [e.range.start.line, e.range.start.character, e.newText]), [[diag.range.start.line, diag.range.start.character, 'https://']]);
});

check('command: Create Note for Link Under Cursor writes the note from the template and the link resolves', async () => {
  const doc = await openNote(OSPO, true);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const line = await appendLine(doc, 'See [[Brand new idea]].');
  const created = uriOf('Brand new idea.md');
  try {
    editor.selection = new vscode.Selection(line, 8, line, 8);
    await vscode.commands.executeCommand('ospo-notes.createNote');
    const text = await waitFor('the new note on disk', async () => {
      try {
        return Buffer.from(await vscode.workspace.fs.readFile(created)).toString('utf8');
      } catch {
        return undefined;
      }
    });
    // The default template: frontmatter with the title and a private visibility, then the title as a heading.
    assert.equal(text, '---\ntitle: Brand new idea\nvisibility: private\n---\n\n# Brand new idea\n');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created.fsPath, 'the new note is opened');
    await waitFor(
      'the link to the new note to resolve',
      () => (vscode.languages.getDiagnostics(doc.uri).some((d) => codeOf(d) === 'unresolved-link') ? undefined : true),
      READY_MS,
      () => describeDiagnostics(doc.uri),
    );
  } finally {
    await vscode.window.showTextDocument(doc, { preview: false });
    await deleteLastLine(doc);
    await vscode.commands.executeCommand('workbench.action.files.save');
    await vscode.workspace.fs.delete(created).then(undefined, () => undefined);
  }
});

check('command: Check Vault asks the server for the whole vault and leaves its problems in place', async () => {
  const doc = await openNote(OSPO);
  await vscode.commands.executeCommand('ospo-notes.checkVault');
  const diags = await waitFor('the vault problems', () => {
    const found = vscode.languages.getDiagnostics(doc.uri).filter((d) => codeOf(d) === 'missing-scheme');
    return found.length === 1 ? found : undefined;
  });
  assert.equal(diags[0].range.start.line, lineOf(doc, '[github-ospo](github.com/github/github-ospo)'));
});

// ---------------------------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const started = Date.now();
  const failures: string[] = [];
  console.log(`ospo-notes in-editor suite: ${checks.length} checks (VS Code ${vscode.version}, workspace ${folder().name})`);
  for (const [i, c] of checks.entries()) {
    const t0 = Date.now();
    try {
      await c.fn();
      console.log(`  ok    ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      failures.push(`${c.name}: ${e instanceof Error ? e.message : String(e)}`);
      console.error(`  FAIL  ${c.name} (${Date.now() - t0} ms)\n${text}`);
      // Every later check needs the activated extension: waiting out each one's timeout would say nothing more.
      if (i === 0) {
        for (const rest of checks.slice(1)) failures.push(`${rest.name}: not run, the extension did not activate`);
        break;
      }
    }
  }
  const summary = `ospo-notes in-editor suite: ${checks.length - failures.length} passed, ${failures.length} failed (${Date.now() - started} ms)`;
  console.log(summary);
  if (failures.length > 0) throw new Error(`${summary}\n${failures.join('\n')}`);
}
