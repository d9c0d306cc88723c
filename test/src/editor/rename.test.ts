/**
 * Renaming a note in the real editor's explorer (code-server + Chromium, the packaged `.vsix`): `WHO.md` becomes
 * `World Health Organization.md` with F2 in the explorer; VS Code asks the language server for the edits
 * (willRenameFiles) and then the user whether to apply them, and after "OK" the linking notes read
 * `[[World Health Organization#OSPO]]`, on disk and in the editor, with no broken link left. Then F2 on a link
 * (`textDocument/rename`): the file and its links renamed in one edit, and VS Code's run of the file
 * participants for that edit's RenameFile finds nothing more to do (no second question).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  openFile,
  runCommand,
  screenshot,
  visibleEditorText,
} from './harness';
import { editorSession } from './session';
import { sampleNoteCount } from './suite/prepare';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('OSPO Notes in code-server: rename a note in the explorer and with F2 (DOM)', function () {
  this.timeout(180_000);
  const session = editorSession('rename');
  /** The status item once the sample vault is indexed: its note count and its own problems. */
  let statusBefore = '';

  it('WHO.md → World Health Organization.md rewrites [[WHO#OSPO]] in the notes that link to it', async () => {
    const { page, workspace } = await session.open();
    const read = (rel: string): string => fs.readFileSync(path.join(workspace, ...rel.split('/')), 'utf8');
    assert.ok(read('public/tech/OSPO.md').includes('- [[WHO#OSPO]]'));
    // Indexed: the status item counts the vault's notes and its own problems (none of them a broken link).
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`${sampleNoteCount()} notes · \\d+ problems?`) }).first();
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await sleep(1000);
    statusBefore = (await status.innerText()).trim();

    // Select WHO.md in the explorer and rename it there, as a person would (F2, type, Enter).
    await openFile(page, 'public/orgs/WHO.md');
    await runCommand(page, 'File: Reveal Active File in Explorer View');
    const row = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'WHO.md' });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    await row.first().click();
    await page.keyboard.press('F2');
    const input = page.locator('.explorer-folders-view .monaco-inputbox input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('World Health Organization.md');
    await screenshot(page, 'rename-01-explorer-rename');
    await page.keyboard.press('Enter');

    // VS Code asks before it applies the language server's edits for the rename (the sample vault leaves
    // Obsidian's "Automatically update internal links" off, and the editor's own question is that "ask").
    const dialog = page.locator('.monaco-dialog-box', { hasText: "Extension 'OSPO Notes' wants to make refactoring changes with this file move" });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'tour-rename');
    await dialog.locator('.monaco-button', { hasText: /^OK$/ }).first().click();

    // The file moved, and every note linking to it now names the new file: VS Code opens the edited notes as
    // unsaved editors (4 of them); saved, they are on disk.
    await eventually(() => fs.existsSync(path.join(workspace, 'public', 'orgs', 'World Health Organization.md')), 'the renamed file on disk');
    await page.locator('.tab.dirty', { hasText: 'OSPO.md' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.tab.dirty').count(), 4, 'the four linking notes are edited');
    await runCommand(page, 'File: Save All Files');
    await eventually(() => read('public/tech/OSPO.md').includes('- [[World Health Organization#OSPO]]'), `OSPO.md rewritten on disk (now: ${read('public/tech/OSPO.md').split('\n')[13]})`);
    assert.ok(read('public/events/2023-11-28.md').includes('[[World Health Organization#OSPO|WHO OSPO]]'));
    assert.ok(read('private/people/Samuel Mbuthia.md').includes('[[World Health Organization#OSPO|WHO OSPO]]'));
    assert.ok(read('public/tech/OpenSource.md').includes('- [[World Health Organization]] runs an OSPO'));

    await openFile(page, 'public/tech/OSPO.md');
    const text = await visibleEditorText(page);
    assert.ok(text.includes('[[World Health Organization#OSPO]]'), text);
    // No link broke: the vault has the problems it had before, no more.
    await page.locator('.part.statusbar .statusbar-item', { hasText: statusBefore }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'rename-03-linking-note-rewritten');
  });

  it('F2 on [[CERN]] in a note renames CERN.md and every link to it (after the explorer rename above)', async () => {
    const { page, workspace } = session.current;
    const read = (rel: string): string => fs.readFileSync(path.join(workspace, ...rel.split('/')), 'utf8');
    await openFile(page, 'public/tech/OSPO.md');
    // Line 16 is `- [[CERN]]`: the cursor on the name.
    await page.keyboard.press('Control+G');
    await page.keyboard.type('16:6');
    await page.keyboard.press('Enter');
    await page.keyboard.press('F2');
    const input = page.locator('.rename-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await input.inputValue(), 'CERN', 'prepareRename: the placeholder is the file name');
    await input.fill('CERN Geneva');
    await screenshot(page, 'rename-04-f2-on-link');
    await page.keyboard.press('Enter');
    await eventually(() => fs.existsSync(path.join(workspace, 'public', 'orgs', 'CERN Geneva.md')), 'CERN Geneva.md on disk');
    let text = '';
    const deadline = Date.now() + 20_000;
    while (!text.includes('- [[CERN Geneva]]') && Date.now() < deadline) {
      text = await visibleEditorText(page);
      await sleep(200);
    }
    assert.ok(text.includes('- [[CERN Geneva]]'), text);
    // The rename's own RenameFile ran the file participants: the server had nothing more to change, so VS Code
    // asked nothing.
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no refactoring question for an F2 rename');
    await runCommand(page, 'File: Save All Files');
    await eventually(() => read('public/events/2023-11-28.md').includes('hosted by [[CERN Geneva]]'), '2023-11-28.md rewritten on disk');
    assert.ok(read('public/tech/OpenSource.md').includes('- [[CERN Geneva]] publishes'));
    await page.locator('.part.statusbar .statusbar-item', { hasText: statusBefore }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'rename-05-f2-done');
  });
});
