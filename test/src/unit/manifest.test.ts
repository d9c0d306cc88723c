/**
 * The extension's manifest as the marketplace and VS Code read it: its strings localised through
 * package.nls.json (every `%key%` resolves, no key is left unused), the repository links agreeing with the
 * diagnostics catalog, the icon, every contributed command implemented; the run-time strings of the client in
 * l10n/bundle.l10n.json and never shown untranslated; and the "Open Problems Documentation" command's choices.
 * Written over every command and setting, so entries added later are held to the same rules.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOCUMENTED_CODES, REPOSITORY_URL } from '@ospo-notes/engine';
import { english, l10n, useTranslator } from '../../../client/out/l10n';
import { codeArgument, DIAGNOSTIC_SOURCE, problemDocItems, problemDocPath } from '../../../client/out/problemDocs';
import { checkSummary, statusView } from '../../../client/out/status';

const REPO = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every string in `value`, with its JSON path. */
function strings(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const KEY = /^%([^%\s]+)%$/;

/** Fields of `contributes` whose text the user reads. */
const SHOWN_FIELDS = new Set(['title', 'shortTitle', 'description', 'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'name', 'contextualTitle', 'deprecationMessage', 'markdownDeprecationMessage', 'contents']);

function scriptModule(name: string): Promise<Record<string, any>> {
  // A real dynamic import (the project compiles to CommonJS with node16 resolution, which keeps `import()`).
  return import(pathToFileURL(path.join(REPO, 'scripts', name)).href);
}

function clientSources(dir = path.join(REPO, 'client', 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? clientSources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('extension manifest: localisation (package.nls.json)', () => {
  const used = strings(manifest).filter((s) => KEY.test(s.text));

  it('resolves every %key% of package.json in package.nls.json', () => {
    const missing = used.filter((s) => !(s.text.match(KEY)![1] in nls)).map((s) => `${s.at}: ${s.text}`);
    assert.deepEqual(missing, []);
    assert.ok(used.length > 20, `only ${used.length} keys used`);
  });

  it('uses every key of package.nls.json, each with English text', () => {
    const keys = new Set(used.map((s) => s.text.match(KEY)![1]));
    assert.deepEqual(Object.keys(nls).filter((k) => !keys.has(k)), []);
    assert.deepEqual(Object.entries(nls).filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k), []);
  });

  it('writes every text the user reads in the manifest as a %key%: name, description, titles, descriptions', () => {
    assert.match(manifest.displayName, KEY);
    assert.match(manifest.description, KEY);
    assert.equal(nls[manifest.displayName.match(KEY)[1]], 'OSPO Notes');
    const shown = strings(manifest.contributes).filter((s) => {
      const field = s.at.replace(/\[\d+\]$/, '').split('.').pop()!;
      return SHOWN_FIELDS.has(field);
    });
    assert.ok(shown.length > 20);
    assert.deepEqual(shown.filter((s) => !KEY.test(s.text)).map((s) => `${s.at}: ${s.text}`), []);
    for (const c of strings(manifest.capabilities).filter((s) => s.at.endsWith('.description'))) assert.match(c.text, KEY, c.at);
  });

  it('has a translation file only for keys of package.nls.json', () => {
    for (const f of fs.readdirSync(REPO).filter((n) => /^package\.nls\..+\.json$/.test(n))) {
      const t = JSON.parse(fs.readFileSync(path.join(REPO, f), 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(t).filter((k) => !(k in nls)), [], f);
    }
  });
});

describe('extension manifest: marketplace fields', () => {
  it('names the repository, its issues and its home page, as the diagnostics catalog does', () => {
    assert.equal(manifest.repository.url, REPOSITORY_URL);
    assert.equal(manifest.bugs.url, `${REPOSITORY_URL}/issues`);
    assert.equal(manifest.homepage, `${REPOSITORY_URL}#readme`);
    assert.doesNotMatch(manifest.scripts.package, /allow-missing-repository/);
    assert.equal(manifest.vsce?.allowMissingRepository, undefined);
  });

  it('has a square PNG icon of 128 or 256 pixels, rendered from media/icon.svg', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = fs.readFileSync(path.join(REPO, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.equal(width, height);
    assert.ok(width === 128 || width === 256, `${width}×${height}`);
    assert.ok(fs.existsSync(path.join(REPO, 'media', 'icon.svg')));
    assert.ok(fs.existsSync(path.join(REPO, 'scripts', 'render-icon.mjs')));
  });

  it('has categories, keywords and a gallery banner', () => {
    assert.ok(manifest.categories.length > 0);
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30, 'the marketplace takes at most 30 keywords');
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  });

  it('implements every contributed command in the client, each titled and in the OSPO Notes category', () => {
    const source = clientSources().map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const c of manifest.contributes.commands as Array<{ command: string; title: string; category?: string }>) {
      assert.ok(source.includes(`'${c.command}'`) || source.includes(`"${c.command}"`), `${c.command} is not registered in client/src`);
      assert.match(c.title, KEY, c.command);
      assert.equal(c.category, 'OSPO Notes', c.command);
    }
  });

  it('binds no key that takes one of VS Code away: keybindings only with a "when" clause of their own', () => {
    for (const k of (manifest.contributes.keybindings ?? []) as Array<{ command: string; key: string; when?: string }>) {
      assert.ok(k.when && k.when.trim() !== '', `${k.key} → ${k.command} has no when clause`);
    }
  });
});

describe('extension run-time strings (l10n/bundle.l10n.json)', () => {
  it('points package.json at the l10n folder', () => {
    assert.equal(manifest.l10n, './l10n');
  });

  it('holds exactly the messages of the l10n.t and vscode.l10n.t calls under client/src (npm run l10n)', async () => {
    const { extractMessages, bundleText, BUNDLE } = await scriptModule('l10n.mjs');
    const { messages, problems } = extractMessages();
    assert.deepEqual(problems, []);
    assert.ok(messages.length > 30, `${messages.length} messages`);
    assert.ok(messages.includes('OSPO Notes: open a markdown note first.'));
    assert.ok(messages.includes('{0} notes'));
    assert.equal(fs.readFileSync(BUNDLE, 'utf8'), bundleText(messages), 'l10n/bundle.l10n.json is out of date: run npm run l10n');
  });

  it('shows no text without a translate call in the modules that talk to VS Code', async () => {
    const { untranslatedTexts } = await scriptModule('l10n.mjs');
    assert.deepEqual(untranslatedTexts(), []);
  });

  it('finds a text shown without a translate call, and a message that is not a literal (the checks above can fail)', async () => {
    const { extractMessages, untranslatedTexts } = await scriptModule('l10n.mjs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-l10n-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'shown.ts'),
        [
          "import * as vscode from 'vscode';",
          "vscode.window.showInformationMessage('Plain English');",
          "vscode.window.showWarningMessage(ok ? vscode.l10n.t('Fine {0}', 1) : 'Not fine');",
          "item.tooltip = `Tip for ${name}`;",
          "const pick = { placeHolder: 'Pick one', label: vscode.l10n.t('Translated') };",
          "vscode.window.setStatusBarMessage(`$(sync) ${vscode.l10n.t('Working')}`);",
          'vscode.l10n.t(message);',
        ].join('\n'),
      );
      const found = (untranslatedTexts(dir) as string[]).map((f) => f.replace(/^.*shown\.ts:/, ''));
      assert.deepEqual(found, ['2: Plain English', '3: Not fine', '4: Tip for  ', '5: Pick one']);
      const { messages, problems } = extractMessages(dir);
      assert.deepEqual(messages, ['Fine {0}', 'Translated', 'Working']);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /shown\.ts:7: the message of vscode\.l10n\.t is not a string literal/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fills placeholders in English as vscode.l10n.t does, leaving one without an argument as written', () => {
    assert.equal(english('{0} of {1}', 'one', 2), 'one of 2');
    assert.equal(english('{1}{0}{1}', 'a', 'b'), 'bab');
    assert.equal(english('left {0} and {1}', 'x'), 'left x and {1}');
    assert.equal(english('no {0} args'), 'no {0} args');
  });

  it('routes the status bar and the check summary through the translator it is given', () => {
    const seen: string[] = [];
    useTranslator((message, ...args) => {
      seen.push(message);
      return `«${english(message, ...args)}»`;
    });
    try {
      const view = statusView({ vaults: [{ uri: 'file:///v', name: 'v', vault: true, ready: true, notes: 2, files: 3, problems: 1 }] }, 1);
      assert.equal(view.text, '$(book) «2 notes» · «1 problem»');
      assert.ok(view.tooltip.includes('«Click to check the vault.»'), view.tooltip);
      assert.equal(checkSummary([]), '«OSPO Notes: the vault is still being indexed. Try again when the status bar shows the note count.»');
      assert.equal(l10n.t('{0}!', 'x'), '«x!»');
      assert.ok(seen.includes('{0}: {1}, {2}, {3} with problems'));
    } finally {
      useTranslator(undefined);
    }
    assert.equal(l10n.t('{0} notes', 3), '3 notes');
  });
});

describe('client: Open Problems Documentation', () => {
  it('offers every documented code, those of the note\'s problems first (at the cursor before the rest)', () => {
    const items = problemDocItems([
      { code: 'missing-heading', source: DIAGNOSTIC_SOURCE, atCursor: false },
      { code: 'private-link', source: DIAGNOSTIC_SOURCE, atCursor: true },
      { code: 'missing-heading', source: DIAGNOSTIC_SOURCE, atCursor: false },
      { code: 'MD001', source: 'markdownlint', atCursor: true },
      { code: 'no-such-code', source: DIAGNOSTIC_SOURCE, atCursor: true },
    ]);
    assert.deepEqual(
      items.slice(0, 2).map((i) => [i.code, i.reason]),
      [
        ['private-link', 'at the cursor'],
        ['missing-heading', 'in this note'],
      ],
    );
    assert.deepEqual(items.map((i) => i.code).sort(), [...DOCUMENTED_CODES].sort());
    assert.ok(items.every((i) => i.title.length > 0));
    assert.deepEqual(
      problemDocItems().map((i) => i.code),
      [...DOCUMENTED_CODES],
    );
  });

  it('opens the page shipped in the extension, and none for a code that has no page', () => {
    for (const code of DOCUMENTED_CODES) {
      const page = problemDocPath(REPO, code);
      assert.equal(page, path.join(REPO, 'docs', 'diagnostics', `${code}.md`));
      assert.ok(fs.existsSync(page!), page);
    }
    assert.equal(problemDocPath(REPO, '../../package'), undefined);
    assert.equal(problemDocPath(REPO, 'toString'), undefined);
    assert.equal(problemDocPath(REPO, 'no-such-code'), undefined);
  });

  it('takes the code as a string or as { code }', () => {
    assert.equal(codeArgument('mojibake'), 'mojibake');
    assert.equal(codeArgument({ code: 'empty-link' }), 'empty-link');
    assert.equal(codeArgument(undefined), undefined);
    assert.equal(codeArgument({ code: 3 }), undefined);
  });
});
