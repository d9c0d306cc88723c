/**
 * The extension as users get it: the packaged `.vsix` installed into code-server (VS Code in the browser),
 * a copy of the sample vault open, and every check read from the workbench's DOM as a user would see it:
 * the suggest widget, the editor's text and cursor, the Problems panel, and the markdown preview.
 *
 * OSPO_EDITOR_EXTENSION=dev runs the same checks on the repository folder (built, not packaged) instead;
 * OSPO_EDITOR_VSIX=<file> on a given package (e.g. a release candidate) instead of building one.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  activeTab,
  copyFixtureToTemp,
  findInFrames,
  launchBrowser,
  openFile,
  openWorkbench,
  readProblems,
  readSuggestions,
  removeDir,
  runCommand,
  saveArtifact,
  screenshot,
  startCodeServer,
  toolsOrSkip,
  typeInEditor,
  visibleEditorText,
  waitForSuggestion,
  type BrowserSession,
  type CodeServer,
} from './harness';
import { EXAMPLE_VAULT, REPO_ROOT, VSIX, ensureBundle, ensureVsix, sampleNoteCount } from './suite/prepare';

const OSPO = 'public/tech/OSPO.md';
const WHO = 'public/orgs/WHO.md';

/** The `^1a1526` block of OpenSource.md as the preview shows it: its two lines as one paragraph, marker hidden. */
const BLOCK_TEXT =
  'Every release must carry a licence file, a list of third-party components with their licences, and the ' +
  'notices those licences require; an OSPO checks this before anything is published.';
const MISSING_SCHEME =
  "'github.com/github/github-ospo' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://github.com/github/github-ospo'.";
const NOWHERE = "Note 'Nowhere' not found in the vault.";
/** The note the sample's CERN and OpenSource notes link to before it is written (a placeholder). */
const CERN_OHL = "Note 'CERN Open Hardware Licence' not found in the vault.";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function vaultLines(rel: string): string[] {
  return fs.readFileSync(path.join(EXAMPLE_VAULT, ...rel.split('/')), 'utf8').split(/\r?\n/);
}

/** 1-based line and column of the first occurrence of `needle` in a vault note. */
function positionIn(rel: string, needle: string): { line: number; column: number } {
  const lines = vaultLines(rel);
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${rel} contains ${JSON.stringify(needle)}`);
  return { line: i + 1, column: lines[i].indexOf(needle) + 1 };
}

async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(150);
  }
}

/** The status bar's cursor position (`Ln 13, Col 1`). */
function cursorStatus(page: Page) {
  return page.locator('.part.statusbar [id="status.editor.selection"]');
}

async function waitForCursor(page: Page, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await cursorStatus(page).textContent().catch(() => '')) ?? '').trim();
    if (pattern.test(text)) return text;
    await sleep(150);
  }
  throw new Error(`status bar cursor position is ${JSON.stringify(text)}, expected ${String(pattern)}`);
}

/** The text of the line Monaco highlights as the cursor's (the `.current-line` overlay at the same height). */
async function highlightedLineText(page: Page): Promise<string> {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  const top = await editor.locator('.view-overlays .current-line').first().evaluate((el) => (el.parentElement as unknown as { style: { top: string } }).style.top);
  const lines = await editor.locator('.view-lines .view-line').evaluateAll((els) =>
    els.map((e) => ({ top: (e as unknown as { style: { top: string } }).style.top, text: (e.textContent ?? '').replace(/\u00a0/g, ' ') })),
  );
  const line = lines.find((l) => l.top === top);
  assert.ok(line, `a view line at the highlighted line's top (${top}); lines: ${JSON.stringify(lines.slice(0, 5))}`);
  return line.text;
}

/** The suggest widget's focused row (its aria-label). */
async function focusedSuggestion(page: Page): Promise<string> {
  return (await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '';
}

describe('OSPO Notes in code-server: packaged extension on the sample vault (DOM)', function () {
  this.timeout(180_000);

  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let workspace: string | undefined;
  let page: Page;
  /** A test typed into OSPO.md: revert it afterwards. */
  let edited = false;

  before(async function () {
    const tools = toolsOrSkip(this);
    const dev = process.env.OSPO_EDITOR_EXTENSION === 'dev';
    const given = process.env.OSPO_EDITOR_VSIX;
    const built = dev ? `repository folder (${ensureBundle()})` : given ? `given ${given}` : ensureVsix();
    process.stdout.write(`      ${built}\n`);
    const vsix = given ? path.resolve(given) : VSIX;
    workspace = copyFixtureToTemp(EXAMPLE_VAULT, 'ui');
    server = await startCodeServer({ workspace, tools, ...(dev ? { extensionDevPath: REPO_ROOT } : { extensionVsix: vsix }) });
    if (!dev) {
      const installed = fs.readdirSync(server.extensionsDir).filter((d) => d.startsWith('ospo-notes.ospo-notes-'));
      assert.equal(installed.length, 1, `the .vsix installed into the fresh extensions dir: ${fs.readdirSync(server.extensionsDir).join(', ')}`);
    }
    browser = await launchBrowser({ tools });
    page = browser.page;
    await openWorkbench(page, server);
    await openFile(page, OSPO);
    // The extension's status bar item: activated, server started, vault indexed and checked.
    const notes = sampleNoteCount();
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: `${notes} notes · 6 problems` });
    await status.first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'extension-01-indexed');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const name = `extension-failed-${this.currentTest.title}`;
      await screenshot(browser.page, name).catch(() => undefined);
      saveArtifact(`${name}.console.txt`, browser.console.join('\n'));
      if (server) saveArtifact(`${name}.server.txt`, server.output());
    }
    // Leave no widget or quick input open, and OSPO.md as it is in the vault, for the next test.
    if (browser) await browser.page.keyboard.press('Escape').catch(() => undefined);
    if (browser && edited) {
      edited = false;
      await openFile(browser.page, OSPO);
      await runCommand(browser.page, 'File: Revert File');
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (workspace) removeDir(path.dirname(workspace));
  });

  it('(a) completes [[Git with the note Github and accepting it writes exactly [[Github]]', async function () {
    await openFile(page, OSPO);
    edited = true;
    await typeInEditor(page, '\n\n[[Git');
    // Our item is the note's file entry (row "Github, File"); the editor's word completion may offer the word
    // "Github" too, as text, and the note's title "GitHub" is another of ours (a reference): neither is wanted.
    const ours = (row: string) => row === 'Github, File';
    const rows = await waitForSuggestion(page, /^Github, File$/, { timeoutMs: 30_000 });
    await screenshot(page, 'extension-02-suggest');
    const index = rows.findIndex(ours);
    assert.ok(index >= 0, JSON.stringify(rows));
    // Move the focus onto our row, wherever the widget sorted it, and accept it as a user would (Enter).
    for (let i = 0; i < 20 && !ours(await focusedSuggestion(page)); i++) await page.keyboard.press('ArrowDown');
    assert.ok(ours(await focusedSuggestion(page)), `focused row: ${await focusedSuggestion(page)}; rows: ${JSON.stringify(await readSuggestions(page))}`);
    await page.keyboard.press('Enter');
    await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: 5_000 });

    const lines = (await visibleEditorText(page)).split('\n');
    const last = lines[lines.length - 1];
    await screenshot(page, 'extension-03-accepted');
    // The editor had auto-closed `[[` to `[[]]`: a second pair of brackets would be the bug.
    assert.equal(last, '[[Github]]', `the completed line; visible lines end: ${JSON.stringify(lines.slice(-4))}`);
    const cursor = await waitForCursor(page, /^Ln \d+, Col \d+/);
    assert.match(cursor, /, Col 11$/, 'the cursor is after the closing brackets');
  });

  it('(b) F12 on [[WHO#OSPO]] opens WHO.md on the "## OSPO" line', async function () {
    await openFile(page, OSPO);
    const link = positionIn(OSPO, '[[WHO#OSPO]]');
    const target = positionIn(WHO, '## OSPO');
    // Go to Line/Column, into the link's "WHO".
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${link.line}:${link.column + 3}`);
    await page.keyboard.press('Enter');
    await waitForCursor(page, new RegExp(`^Ln ${link.line}, Col ${link.column + 3}$`));

    await page.keyboard.press('F12');
    await activeTab(page, 'WHO.md').waitFor({ state: 'visible', timeout: 20_000 });
    const cursor = await waitForCursor(page, new RegExp(`^Ln ${target.line}, Col \\d+$`));
    await screenshot(page, 'extension-04-definition');
    assert.match(cursor, new RegExp(`^Ln ${target.line}, `));
    assert.equal(target.line, 13, 'the sample vault has "## OSPO" on line 13 of WHO.md');
    assert.equal(await highlightedLineText(page), '## OSPO', 'the highlighted cursor line');
    const tabs = await page.locator('.editor-group-container.active .tab.active').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.equal(tabs.length, 1);
    assert.match(tabs[0], /^WHO\.md\b/, `active tab: ${tabs[0]}`);
  });

  it('(c) lists the missing-scheme warning and a typed [[Nowhere]] in the Problems panel', async function () {
    await openFile(page, OSPO);
    edited = true;
    await typeInEditor(page, '\n\nSee [[Nowhere]] for more.');
    await page.keyboard.press('Escape');
    const typedLine = (await visibleEditorText(page)).split('\n').pop();
    assert.equal(typedLine, 'See [[Nowhere]] for more.', 'typed with auto-closed brackets overtyped, not doubled');

    // The panel's list draws only the rows in view: maximized, it has room for all of them.
    await readProblems(page);
    await runCommand(page, 'View: Toggle Maximized Panel');
    const rows = await readProblems(page, { waitFor: NOWHERE, timeoutMs: 20_000 });
    await screenshot(page, 'tour-problems');
    await runCommand(page, 'View: Toggle Maximized Panel');
    saveArtifact('extension-05-problems.txt', rows.join('\n'));
    // A row reads "<severity>: <message> at line L and character C. generated by <source>".
    const at = positionIn(OSPO, 'github.com/github/github-ospo');
    const typedAt = vaultLines(OSPO).length + 2; // two new lines after the note's last line
    assert.deepEqual(
      rows.filter((r) => r.includes(MISSING_SCHEME)),
      [`Warning: ${MISSING_SCHEME} at line ${at.line} and character ${at.column}. generated by ospo-notes`],
      JSON.stringify(rows),
    );
    assert.deepEqual(
      rows.filter((r) => r.includes(NOWHERE)),
      [`Warning: ${NOWHERE} at line ${typedAt} and character ${'See [['.length + 1}. generated by ospo-notes`],
      JSON.stringify(rows),
    );
    // Besides them the vault has its mojibake, the public OSPO and WHO notes' links to the private Samuel
    // Mbuthia and the links of CERN and OpenSource to the note not written yet, and nothing else.
    // (A private-link's related location, the private note's `visibility` key, is a child row of its own.)
    const problemRows = rows.filter((r) => / generated by ospo-notes$/.test(r));
    assert.equal(rows.filter((r) => r.includes("'Samuel Mbuthia' is private at line")).length, 2, JSON.stringify(rows));
    const others = problemRows.filter((r) => !r.includes(MISSING_SCHEME) && !r.includes(NOWHERE));
    assert.deepEqual(
      others
        .map((r) => (r.includes("links to private note 'Samuel Mbuthia'") ? 'private-link' : r.includes('Encoding damage') ? 'mojibake' : r.includes(CERN_OHL) ? 'unresolved-link' : r))
        .sort(),
      ['mojibake', 'private-link', 'private-link', 'unresolved-link', 'unresolved-link'],
      JSON.stringify(rows),
    );
    assert.deepEqual(
      rows.filter((r) => r.includes(' in file ')).sort(),
      ['1 problems in file CERN.md of folder public/orgs', '1 problems in file OpenSource.md of folder public/tech', '1 problems in file WHO.md of folder public/orgs', '4 problems in file OSPO.md of folder public/tech'],
      JSON.stringify(rows),
    );
  });

  it('(d) the preview embeds the ^1a1526 block and renders the OSPO infographic callout', async function () {
    await openFile(page, OSPO);
    await runCommand(page, 'Markdown: Open Preview to the Side');
    const found = await findInFrames(page, 'Every release must carry a licence file', { selector: '.ospo-embed-note .ospo-embed-content', timeoutMs: 30_000 });
    const frame: Frame = found.frame;
    await screenshot(page, 'tour-preview');

    const embed = frame.locator('.ospo-embed-note');
    assert.equal(await embed.count(), 1, 'one note embed');
    assert.equal(await embed.getAttribute('data-embed-path'), 'public/tech/OpenSource.md');
    const content = (await embed.locator('.ospo-embed-content').innerText()).replace(/\s+/g, ' ').trim();
    assert.equal(content, BLOCK_TEXT, 'the embed shows exactly the block, without its ^id');

    const callout = frame.locator('details.ospo-callout');
    assert.equal(await callout.count(), 1, 'one foldable callout');
    // VS Code's preview adds its own classes (code-line) to block elements: ours must be among them.
    const classes = ((await callout.getAttribute('class')) ?? '').split(/\s+/);
    assert.ok(classes.includes('ospo-callout') && classes.includes('ospo-callout-info'), `callout classes: ${classes.join(' ')}`);
    assert.equal(await callout.getAttribute('data-callout'), 'info');
    assert.equal(await callout.getAttribute('open'), null, "'[!info]-' starts folded");
    assert.equal((await callout.locator('summary.ospo-callout-title .ospo-callout-title-inner').innerText()).trim(), 'OSPO infographic');
    // The literal callout header must not leak into the page.
    assert.ok(!(await frame.locator('body').innerText()).includes('[!info]'), 'no raw [!info] text');
    // The contributed stylesheet is loaded (it is what makes the element look like a callout).
    assert.ok((await frame.locator('link[href*="preview.css"]').count()) >= 1, 'media/preview.css is in the preview');

    // Unfolding it as a user would shows its content: the infographic's PDF embed.
    await callout.scrollIntoViewIfNeeded();
    await callout.locator('summary').click();
    await waitUntil(async () => (await callout.getAttribute('open')) !== null, 'the callout to unfold');
    const pdf = callout.locator('.ospo-callout-content .ospo-embed-pdf .ospo-embed-link');
    assert.equal((await pdf.innerText()).trim(), 'ospo_infographic.pdf');
    await screenshot(page, 'extension-07-preview-callout');
  });

  // The preview host gives the plugin `pdfFrames: () => false`: without it every PDF embed trips VS Code's
  // content security policy.
  it("(e) the preview's PDF embed stays within the preview's content security policy", async function () {
    await openFile(page, OSPO);
    await runCommand(page, 'Markdown: Open Preview to the Side');
    const { frame } = await findInFrames(page, 'OSPO infographic', { selector: 'details.ospo-callout', timeoutMs: 30_000 });
    // VS Code's preview blocks frames and then shows "Some content has been disabled in this document" over
    // the page; the extension must not emit an <iframe> there (the embed's link opens the PDF instead).
    await sleep(1000); // the warning appears when the blocked frame reports, just after rendering
    const warning = frame.locator('#code-csp-warning');
    const shown = (await warning.count()) > 0 && (await warning.isVisible());
    assert.equal(shown ? (await warning.innerText()).trim() : '', '', 'the preview shows no content-security warning');
    assert.equal(await frame.locator('iframe.ospo-embed-pdf-frame').count(), 0, 'no PDF <iframe> in the VS Code preview');
    // The callout is folded (`[!info]-`): read the link's text content, which does not depend on visibility.
    assert.equal(((await frame.locator('.ospo-embed-pdf .ospo-embed-link').textContent()) ?? '').trim(), 'ospo_infographic.pdf', 'the PDF is linked');
  });

  it('(f) a markdown link to a note in another folder, written without .md, opens that note from the preview', async function () {
    // Written into the workspace copy: `CERN` is public/orgs/CERN.md, found by name (R3), as definition finds it.
    const rel = 'public/tech/Markdown links.md';
    fs.writeFileSync(path.join(workspace!, ...rel.split('/')), 'See [the CERN note](CERN) for details.\n');
    try {
      await openFile(page, rel);
      await runCommand(page, 'Markdown: Open Preview to the Side');
      const { frame } = await findInFrames(page, 'the CERN note', { selector: 'a', timeoutMs: 30_000 });
      const link = frame.locator('a', { hasText: 'the CERN note' });
      const hrefOf = async (): Promise<string | null> => (await link.getAttribute('data-href').catch(() => null)) ?? (await link.getAttribute('href').catch(() => null));
      // The preview renders again once the client has the vault's file list: wait for that render.
      let href = await hrefOf();
      await waitUntil(async () => (href = await hrefOf()) === '../orgs/CERN.md', 'the preview to resolve the link', 20_000).catch(() => undefined);
      assert.equal(href, '../orgs/CERN.md', 'the href names the note the language server resolves the link to');
      await link.click();
      await waitUntil(async () => (await page.locator('.tab.active[aria-label*="CERN.md"]').count()) > 0, 'CERN.md to open', 20_000);
      await screenshot(page, 'extension-08-preview-markdown-link');
    } finally {
      fs.rmSync(path.join(workspace!, ...rel.split('/')), { force: true });
    }
  });
});
