/**
 * The README and the docs pages, held to what they describe: the two first commands at the very top; one
 * settings row per setting of package.json with its default, one commands row per command with its title, the
 * keybindings the manifest contributes; every relative link and `#anchor` of the README and the docs pages
 * leading somewhere. Written over every setting and command, so ones added later must be documented too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const read = (rel: string): string => fs.readFileSync(path.join(REPO, rel), 'utf8');
const manifest = JSON.parse(read('package.json'));
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
const README = read('README.md');

/** The English text of a manifest string (`%key%` through package.nls.json). */
function english(text: string): string {
  const m = /^%(.+)%$/.exec(text);
  return m ? nls[m[1]] : text;
}

/** The rows of the first table after `## heading`, as cells (header and rule left out). */
function tableUnder(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no "## ${heading}" section`);
  const rest = markdown.slice(start + heading.length + 5);
  const section = rest.slice(0, rest.search(/\n## /) >= 0 ? rest.search(/\n## /) : undefined);
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

/** The text under `## heading`, up to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no "## ${heading}" section`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end >= 0 ? rest.slice(0, end) : rest;
}

/** How the README writes a default: the string itself, `""` for the empty one, JSON for anything else. */
function defaultCell(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '`""`' : `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

describe('README: for users first', () => {
  it('starts with the two first commands, then says how to try the extension', () => {
    const lines = README.split('\n');
    assert.equal(lines[0], '# OSPO Notes');
    assert.equal(lines[2], '```sh');
    assert.match(lines[3], /^npm ci && npm start +# /);
    assert.match(lines[4], /^npm ci && npm test +# /);
    assert.equal(lines[5], '```');
    assert.match(lines.slice(6, 10).join(' '), /npm run package.*ospo-notes\.vsix.*--install-extension/);
  });

  it('has a row per setting of package.json, with its default, and none for a setting that does not exist', () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default?: unknown; markdownDescription?: string; description?: string }>;
    const rows = tableUnder(README, 'Settings');
    const documented = new Map(rows.map((r) => [r[0].replace(/^`|`$/g, ''), r]));
    const missing = Object.entries(properties)
      .filter(([id]) => !documented.has(id))
      .map(([id, p]) => `| \`${id}\` | ${defaultCell(p.default)} | ${english(p.markdownDescription ?? p.description ?? '')} |`);
    assert.deepEqual(missing, [], `settings without a README row (add a row, shortening the description):\n${missing.join('\n')}`);
    assert.deepEqual([...documented.keys()].filter((id) => !(id in properties)), [], 'README rows for settings package.json does not have');
    for (const [id, p] of Object.entries(properties)) {
      assert.ok(documented.get(id)![1].startsWith(defaultCell(p.default)), `${id}: README default ${documented.get(id)![1]}, package.json ${defaultCell(p.default)}`);
      assert.ok(documented.get(id)![2].length > 10, `${id}: say what it does`);
    }
    assert.ok(rows.length >= 15);
  });

  it('has a row per command, named as the command palette shows it', () => {
    const rows = tableUnder(README, 'Commands');
    const shown = rows.map((r) => r[0]);
    const expected = (manifest.contributes.commands as Array<{ title: string; category?: string }>).map((c) => `${c.category ? `${english(c.category)}: ` : ''}${english(c.title)}`);
    assert.deepEqual(
      expected.filter((e) => !shown.includes(e)),
      [],
      'commands without a README row',
    );
    assert.deepEqual(
      shown.filter((s) => !expected.includes(s)),
      [],
      'README rows for commands package.json does not have',
    );
    assert.ok(rows.every((r) => r[1].length > 10));
  });

  it('documents the keybindings package.json contributes, and why there are no others', () => {
    const text = section(README, 'Keybindings');
    const bindings = (manifest.contributes.keybindings ?? []) as Array<{ key: string; command: string }>;
    if (bindings.length === 0) assert.match(text, /^\s*(<!--[^]*?-->\s*)?None\./);
    for (const b of bindings) assert.ok(text.toLowerCase().includes(b.key.toLowerCase()), `${b.key} (${b.command}) is not in the README`);
    assert.match(text, /Obsidian/);
  });
});

/** A markdown file's text without its code (fenced blocks, code spans) and HTML comments. */
function prose(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^]*?^ {0,3}\1[`~]*$/gm, '')
    .replace(/<!--[^]*?-->/g, '')
    .replace(/(`+)[^`]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const withoutFences = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^]*?^ {0,3}\1[`~]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(m[1]);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function markdownFiles(rel: string): string[] {
  return fs.readdirSync(path.join(REPO, rel), { withFileTypes: true }).flatMap((e) => {
    const p = `${rel}/${e.name}`;
    return e.isDirectory() ? markdownFiles(p) : e.name.endsWith('.md') ? [p] : [];
  });
}

describe('README and docs: links', () => {
  // docs/obsidian-semantics.md quotes Obsidian's syntax with example links to notes of no vault here.
  const files = ['README.md', 'ARCHITECTURE.md', 'CHANGELOG.md', ...markdownFiles('docs').filter((f) => f !== 'docs/obsidian-semantics.md')];

  it('checks the README and every docs page', () => {
    assert.ok(files.includes('docs/checker.md') && files.includes('docs/diagnostics/mojibake.md'), files.join(', '));
  });

  for (const file of files) {
    it(`${file}: every relative link and #anchor leads somewhere`, () => {
      const text = read(file);
      const broken: string[] = [];
      for (const m of prose(text).matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [rawPath, anchor] = target.split('#', 2);
        const rel = rawPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(rawPath)));
        if (!fs.existsSync(path.join(REPO, rel))) {
          broken.push(`${target}: no ${rel}`);
          continue;
        }
        if (anchor !== undefined && rel.endsWith('.md') && !anchorsOf(read(rel)).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${rel}`);
      }
      assert.deepEqual(broken, []);
    });
  }

  it('finds a broken anchor and a missing page (the check above can fail)', () => {
    assert.ok(anchorsOf(README).has('try-it-from-a-vsix'));
    assert.ok(anchorsOf(README).has('where-it-is-active'));
    assert.ok(!anchorsOf(README).has('the-vs-code-extension'));
    assert.equal(slug('Quick fixes and refactorings'), 'quick-fixes-and-refactorings');
    assert.equal(slug('The checker: `ospo-notes check`'), 'the-checker-ospo-notes-check');
  });
});
