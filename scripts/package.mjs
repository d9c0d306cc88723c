// Packages the extension: `npm run package` (after `npm run build`) writes ospo-notes.vsix.
//
//   node scripts/package.mjs [--out FILE]
//
// 1. Bundles dist/ (scripts/bundle.mjs: the extension, the server, ThirdPartyNotices.txt).
// 2. Stages what ships in a temp folder: the paths .vscodeignore keeps (its `!` lines, the one list of what
//    ships), ThirdPartyNotices.txt at the top, and a package.json cleaned of the fields that only serve
//    development (scripts, devDependencies, workspaces, the CLI's `bin`, …): inside the .vsix they would point at
//    files that are not there. The dependencies are bundled, so they are dropped too.
// 3. Runs vsce there. The README's relative links and images become links into the repository (package.json
//    `repository`, branch main), as the marketplace shows them; docs/images is not shipped. This is done here
//    rather than by vsce, whose rewriting also changes links written as examples inside code.
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Fields of package.json that describe the source checkout, not the installed extension. */
export const DEV_ONLY_FIELDS = ['scripts', 'devDependencies', 'dependencies', 'workspaces', 'bin', 'vsce', 'private', 'overrides'];

/** The manifest as it ships: `pkg` without {@link DEV_ONLY_FIELDS}. */
export function shippedManifest(pkg) {
  const out = { ...pkg };
  for (const field of DEV_ONLY_FIELDS) delete out[field];
  return out;
}

/** The top-level paths (files or folders) .vscodeignore keeps: each `!` line up to its first glob character. */
export function keptPaths(vscodeignore) {
  const kept = new Set();
  for (const raw of vscodeignore.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('!')) continue;
    const literal = line.slice(1).split(/[*?[{]/)[0].replace(/\/+$/, '');
    if (literal) kept.add(literal);
  }
  return [...kept];
}

/**
 * `markdown` with its relative inline links and images made absolute: links to `<repository>/blob/main/<path>`,
 * images to `<repository>/raw/main/<path>`. Code (fenced blocks and `code spans`), absolute addresses and
 * in-page anchors are left as written.
 */
export function absoluteReadmeLinks(markdown, repositoryUrl) {
  const rewrite = (segment) =>
    segment.replace(/(!?)\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)((?:\s+"[^"]*")?)\)/g, (whole, bang, text, target, title) => {
      if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target)) return whole;
      const rel = target.replace(/^\.\//, '');
      return `${bang}[${text}](${repositoryUrl}/${bang ? 'raw' : 'blob'}/main/${rel}${title})`;
    });
  let fence;
  return markdown
    .split('\n')
    .map((line) => {
      const opener = line.match(/^\s{0,3}(`{3,}|~{3,})/);
      if (fence) {
        if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length) fence = undefined;
        return line;
      }
      if (opener) {
        fence = opener[1];
        return line;
      }
      // Outside code spans only: the odd pieces of a split on backtick runs are code.
      return line
        .split(/(`+[^`]*`+)/)
        .map((piece, i) => (i % 2 === 1 ? piece : rewrite(piece)))
        .join('');
    })
    .join('\n');
}

function run(cmd, args, cwd) {
  const res = cp.spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0) {
    process.stderr.write(`${res.stdout}\n${res.stderr}\n`);
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${res.status ?? res.signal})`);
  }
  return res.stdout;
}

function main() {
  const outArg = process.argv.indexOf('--out');
  const out = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, 'ospo-notes.vsix'));

  process.stdout.write(run(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], root));

  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-notes-package-'));
  try {
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    fs.writeFileSync(path.join(stage, '.vscodeignore'), ignore);
    for (const rel of keptPaths(ignore)) {
      if (rel === 'package.json') continue;
      const matches = rel.includes('/') || fs.existsSync(path.join(root, rel)) ? [rel] : [];
      // `package.nls*.json` and the like: every top-level file of that prefix.
      const prefixed = fs.readdirSync(root).filter((f) => f !== rel && f.startsWith(rel));
      for (const m of [...matches, ...prefixed]) {
        const src = path.join(root, m);
        if (!fs.existsSync(src)) continue;
        fs.cpSync(src, path.join(stage, m), { recursive: true });
      }
    }
    // The notices go at the top of the extension; the package list is for the tests only.
    fs.renameSync(path.join(stage, 'dist', 'ThirdPartyNotices.txt'), path.join(stage, 'ThirdPartyNotices.txt'));
    fs.rmSync(path.join(stage, 'dist', 'bundled-packages.json'));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(shippedManifest(pkg), null, 2) + '\n');
    const readme = path.join(stage, 'README.md');
    fs.writeFileSync(readme, absoluteReadmeLinks(fs.readFileSync(readme, 'utf8'), pkg.repository.url));

    const vsce = require.resolve('@vscode/vsce/vsce', { paths: [root] });
    process.stdout.write(run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], stage));
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  console.log(`${path.relative(process.cwd(), out) || out}  ${(fs.statSync(out).size / 1024).toFixed(0)} KiB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
