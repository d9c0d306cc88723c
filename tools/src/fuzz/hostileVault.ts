/**
 * A hostile vault for the fuzz: every kind of file a real folder can throw at the server, built from a seed.
 *
 * Two profiles: `full` (what `npm run fuzz` uses: notes near and over the 10 MB limit, a 1.5 GB sparse file,
 * nesting and bracket runs at the sizes that hurt) and `small` (the same kinds of file at sizes a test run on a
 * small machine can afford in a few seconds).
 *
 * `good/Start.md` links to `good/Target.md`; the storm never touches `good/`, so the definition of that link is
 * a known answer to check at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../bench/generateVault';

export type Profile = 'full' | 'small';

export interface HostileVault {
  /** The vault root (a folder inside `parent`). */
  root: string;
  /** The temp folder holding the vault and the folder its symlinks escape to. */
  parent: string;
  /** Vault-relative paths of the notes the storm may open, edit, change, rename or delete. */
  notes: string[];
  /** The known-good link: `[[Target]]` in `good/Start.md`. */
  known: { source: string; target: string; line: number; character: number };
  /** Vault-relative paths of the notes written for the bracket and nesting cases (for the report). */
  kinds: Record<string, string[]>;
}

export const KNOWN_SOURCE = 'good/Start.md';
export const KNOWN_TARGET = 'good/Target.md';

interface Sizes {
  nearLimitBytes: number;
  overLimitBytes: number;
  sparseBytes: number;
  bracketRepeats: number;
  nestingDepths: number[];
  denseLinks: number;
  laughsDepth: number;
  indexLines: number;
}

const MB = 1024 * 1024;
const SIZES: Record<Profile, Sizes> = {
  full: {
    nearLimitBytes: 10 * MB - 4096,
    overLimitBytes: 10 * MB + 1,
    sparseBytes: 1536 * MB,
    bracketRepeats: 32000,
    nestingDepths: [10, 100, 1000, 10000],
    denseLinks: 50000,
    laughsDepth: 7,
    indexLines: 10000,
  },
  small: {
    nearLimitBytes: 512 * 1024,
    overLimitBytes: 10 * MB + 1,
    sparseBytes: 12 * MB,
    bracketRepeats: 1500,
    nestingDepths: [10, 100, 1000],
    denseLinks: 2000,
    laughsDepth: 4,
    indexLines: 500,
  },
};

export function buildHostileVault(parent: string, seed: number, profile: Profile): HostileVault {
  const size = SIZES[profile];
  const rng = new Rng(seed * 2654435761);
  const root = path.join(parent, 'vault');
  const outside = path.join(parent, 'outside');
  const notes: string[] = [];
  const kinds: Record<string, string[]> = {};
  const write = (rel: string, content: string | Buffer, kind?: string): void => {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    notes.push(rel);
    if (kind) (kinds[kind] ??= []).push(rel);
  };
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(path.join(root, '.obsidian'), { recursive: true });

  // The known-good pair.
  const start = '# Start\n\nSee [[Target]] for the answer.\n';
  fs.mkdirSync(path.join(root, 'good'), { recursive: true });
  fs.writeFileSync(path.join(root, ...KNOWN_SOURCE.split('/')), start);
  fs.writeFileSync(path.join(root, ...KNOWN_TARGET.split('/')), '# Target\n\nThe answer.\n');
  fs.writeFileSync(path.join(root, 'good', 'WHO.md'), '# WHO\n\n## OSPO\n');
  const known = { source: KNOWN_SOURCE, target: KNOWN_TARGET, line: 2, character: start.split('\n')[2].indexOf('[[') + 3 };

  // Ordinary small notes for the storm to edit and link between.
  for (let i = 0; i < 20; i++) {
    const links = Array.from({ length: rng.range(0, 6) }, () => `[[n${rng.int(25)}${rng.chance(0.3) ? '#H' + rng.int(3) : ''}]]`).join(' ');
    write(`plain/n${i}.md`, `# n${i}\n\n## H0\n\ntext ${links}\n\n## H1\n\n- a ^b${i}\n`, 'plain');
  }

  // Huge notes: realistic content just under the limit, just over it, and a sparse file far over it.
  write('huge/near-limit.md', linesUpTo(size.nearLimitBytes, (n) => `- item ${n} [[WHO]] [[nope ${n}]]\n`), 'huge');
  write('huge/over-limit.md', linesUpTo(size.overLimitBytes, (n) => `line ${n} [[Target]]\n`), 'huge');
  const sparse = path.join(root, 'huge', 'sparse.md');
  fs.writeFileSync(sparse, '# sparse\n');
  fs.truncateSync(sparse, size.sparseBytes);
  (kinds.huge ??= []).push('huge/sparse.md');
  write('huge/index.md', Array.from({ length: size.indexLines }, (_, n) => `- item ${n} [[WHO]] [[nope ${n}]]\n`).join(''), 'huge');

  // Binary files named .md and invalid UTF-8.
  const bin = Buffer.alloc(64 * 1024);
  for (let i = 0; i < bin.length; i++) bin[i] = rng.int(256);
  write('bad/binary.md', bin, 'binary');
  write('bad/png.md', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), bin.subarray(0, 512)]), 'binary');
  write('bad/nul-late.md', Buffer.concat([Buffer.from('# late NUL\n'.repeat(1000)), Buffer.from([0]), Buffer.from('[[Target]]\n')]), 'binary');
  const utf8 = (parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  write('bad/invalid-utf8.md', utf8(['# bad ', [0xc3, 0x28], ' [[Target]] ', [0xff, 0xfe], '\n', [0xed, 0xa0, 0x80], ' [[n1]] ', [0xe2, 0x82]]), 'utf8');
  write('bad/bom-utf16.md', Buffer.from('\ufeff# utf16 [[Target]]\n', 'utf16le'), 'utf8');
  write('bad/overlong.md', utf8(['[[', [0xc0, 0xaf], ']] [[', [0xf8, 0x88, 0x80, 0x80, 0x80], ']]\n']), 'utf8');

  // Symlinks: loops, a dangling link, and links escaping the vault (file and folder).
  fs.mkdirSync(path.join(outside, 'secret'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.md'), '# Outside\n\nThis file is outside the vault.\n');
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(outside, 'secret', `s${i}.md`), `# s${i}\n`);
  const link = (target: string, rel: string): void => {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    try {
      fs.symlinkSync(target, abs);
      (kinds.symlink ??= []).push(rel);
    } catch {
      // A file system without symlinks: the other cases still run.
    }
  };
  link('..', 'links/up');
  link('.', 'links/here');
  link('loop-b', 'links/loop-a');
  link('loop-a', 'links/loop-b');
  link('self.md', 'links/self.md');
  link('missing.md', 'links/dangling.md');
  link(path.join(outside, 'secret.md'), 'links/escape.md');
  link('/etc/passwd', 'links/passwd.md');
  link(path.join(outside, 'secret'), 'links/escape-dir');
  link('../plain/n1.md', 'links/inside.md');
  try {
    fs.symlinkSync(root, path.join(outside, 'secret', 'back-into-vault'));
  } catch {
    // as above
  }

  // Deep nesting: lists and quotes, one line deep and as a staircase.
  for (const depth of size.nestingDepths) {
    write(`nest/list-${depth}.md`, `# list ${depth}\n\n${'- '.repeat(depth)}[[Target]]\n\n## After\n\n[[n1]] [[#After]]\n`, 'nesting');
    write(`nest/quote-${depth}.md`, `# quote ${depth}\n\n${'> '.repeat(depth)}[[Target]]\n\n## After\n\n[[#After]]\n`, 'nesting');
    const stairs = Math.min(depth, 200);
    write(`nest/stairs-${depth}.md`, Array.from({ length: stairs }, (_, i) => `${'  '.repeat(i)}- [[n${i % 20}]]\n`).join('') + '\n## After\n\n[[#After]]\n', 'nesting');
  }

  // Link-dense and bracket-heavy notes.
  write('dense/links.md', Array.from({ length: size.denseLinks }, (_, i) => `[[n${i % 25}#H${i % 3}|x]] `).join('') + '\n', 'dense');
  const n = size.bracketRepeats;
  const runs: Record<string, string> = {
    'md-open': '[a](',
    'embed-open': '![a](',
    'empty-open': '[](',
    'anchor-open': '[a](#',
    wiki: '[[',
    'wiki-close': ']]',
    backtick: '`',
    dollar: '$',
    comment: '%%',
    angle: '[a](<',
    html: '<a ',
    mixed: '[[a|](`$%%',
  };
  for (const [name, unit] of Object.entries(runs)) write(`brackets/${name}.md`, unit.repeat(n) + '\n\n[[Target]]\n', 'brackets');

  // Broken frontmatter.
  write('yaml/unclosed.md', '---\ntitle: [unclosed\naliases: {a: \n\n[[Target]]\n', 'yaml');
  write('yaml/bad-indent.md', '---\ntitle: x\n  bad: indent\n\t- tab\n---\n[[Target]]\n', 'yaml');
  write('yaml/duplicate.md', '---\naliases: a\naliases: [b]\ntags: {x: 1}\n---\n[[Target]]\n', 'yaml');
  write('yaml/types.md', '---\naliases: 42\ntags: true\ncssclasses: ~\n---\n# T\n', 'yaml');
  write('yaml/anchor.md', '---\naliases: *missing\n---\n', 'yaml');
  write('yaml/only-dashes.md', '---\n---\n---\n', 'yaml');
  write('yaml/laughs.md', laughs(size.laughsDepth) + '[[Target]]\n', 'yaml');

  // Link cycles: A embeds B embeds A, self-embeds, and a heading cycle.
  write('cycle/A.md', '# A\n\n![[B]]\n', 'cycle');
  write('cycle/B.md', '# B\n\n![[A]]\n', 'cycle');
  write('cycle/Self.md', '# Self\n\n![[Self]] ![[#Self]]\n', 'cycle');
  write('cycle/H1.md', '# H1\n\n## x\n\n![[H2#y]]\n', 'cycle');
  write('cycle/H2.md', '# H2\n\n## y\n\n![[H1#x]]\n', 'cycle');

  return { root, parent, notes, known, kinds };
}

/** Text of `line(n)` for n = 0, 1, … until it reaches exactly `bytes` bytes (ASCII, so chars = bytes). */
function linesUpTo(bytes: number, line: (n: number) => string): string {
  const parts: string[] = [];
  let total = 0;
  for (let n = 0; total < bytes; n++) {
    const l = line(n);
    parts.push(l);
    total += l.length;
  }
  return parts.join('').slice(0, bytes);
}

/** A "billion laughs" frontmatter: `depth` levels of aliases, each a list of nine of the level below. */
function laughs(depth: number): string {
  const lines = ['---', 'a0: &a0 ["lol"]'];
  for (let d = 1; d <= depth; d++) lines.push(`a${d}: &a${d} [${Array(9).fill(`*a${d - 1}`).join(', ')}]`);
  lines.push(`aliases: *a${depth}`, `tags: *a${depth}`, '---', '');
  return lines.join('\n');
}
