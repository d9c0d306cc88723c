#!/usr/bin/env node
/**
 * `ospo-notes check [folder]`: the engine as a command-line checker for CI.
 *
 * Exit codes: 0 no problem at or above the failing severity, 1 there are (errors by default), 2 bad usage or an
 * unreadable folder. With `--fix-encoding`: 0 nothing to restore (or everything restored with `--write`), 1 there
 * is damage left to restore.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'util';
import {
  compareDiagnostics,
  DEFAULT_VISIBILITY,
  type DiagnosticOptions,
  type Visibility,
  FileLookup,
  FRONTMATTER_SCHEMA_PATH,
  loadFrontmatterSchema,
  loadVault,
  ModelCache,
  type NoteDiagnostic,
  noteDiagnostics,
  readNoteTextSync,
  repairNoteEncoding,
  restoredTextLabel,
  readSchemaFileSync,
  type Severity,
  splitLines,
  VaultRules,
} from '@ospo-notes/engine';
import { sarifLog } from './sarif';

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];
const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: ospo-notes check [folder] [--format text|json|sarif] [--fail-on error|warning|information|hint]
                        [--unresolved-severity error|warning|information|hint|off] [--ignore folder-or-glob]...
                        [--unknown-property-severity error|warning|information|hint|off]
                        [--fix-encoding [--write]] [--public] [--visibility-default private|public]
                        [--cache DIR]
       ospo-notes --help | --version

  --public      before publishing: every public note's link, embed or transclusion of a private note
                (private-link) is an error, so the check fails until none is left
  --cache DIR   keep the parsed notes in DIR (one file per vault): the next check parses only the notes whose
                bytes changed; a cache that is stale, damaged or from another version is rebuilt`;

/** Every option of the command line, one per line: a new flag is a line here, in USAGE and in {@link readArgs}. */
const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  'unresolved-severity': { type: 'string' },
  'unknown-property-severity': { type: 'string' },
  ignore: { type: 'string', multiple: true },
  'fix-encoding': { type: 'boolean' },
  write: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  public: { type: 'boolean' },
  'visibility-default': { type: 'string' },
  cache: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

interface Args {
  folder: string;
  format: Format;
  failOn: Severity;
  unresolved: Severity | 'off';
  /** Frontmatter keys the schema does not name (the editor's `ospoNotes.unknownPropertySeverity`). */
  unknownProperty: Severity | 'off';
  ignore: string[];
  /** Restore encoding damage instead of listing problems; a dry run unless `write`. */
  fixEncoding: boolean;
  write: boolean;
  /** `--public`: private-link problems are errors. */
  publicCheck: boolean;
  visibilityDefault: Visibility;
  /** `--cache DIR`: the model cache folder; none unless asked. */
  cache?: string;
}

type Parsed = { kind: 'run'; args: Args } | { kind: 'help' } | { kind: 'version' };

class UsageError extends Error {}

/** The command line, or a usage error saying what is wrong in one line. */
function readArgs(argv: string[]): Parsed {
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseNodeArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(parseErrorText(e as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, folder, extra] = positionals;
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const format = (values.format as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const failOn = (values['fail-on'] as Severity | undefined) ?? 'error';
  if (!SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const unresolved = (values['unresolved-severity'] as Severity | 'off' | undefined) ?? 'warning';
  if (unresolved !== 'off' && !SEVERITIES.includes(unresolved)) throw new UsageError(`--unresolved-severity must be one of ${SEVERITIES.join(', ')}, off`);
  const unknownProperty = (values['unknown-property-severity'] as Severity | 'off' | undefined) ?? 'off';
  if (unknownProperty !== 'off' && !SEVERITIES.includes(unknownProperty)) throw new UsageError(`--unknown-property-severity must be one of ${SEVERITIES.join(', ')}, off`);
  const fixEncoding = values['fix-encoding'] === true;
  const write = values.write === true;
  if (write && !fixEncoding) throw new UsageError('--write applies --fix-encoding: give both');
  if (fixEncoding && format === 'sarif') throw new UsageError('--fix-encoding prints text or json, not sarif');
  const visibilityDefault = (values['visibility-default'] as string | undefined) ?? DEFAULT_VISIBILITY;
  if (visibilityDefault !== 'private' && visibilityDefault !== 'public') throw new UsageError(`--visibility-default must be private or public, not '${visibilityDefault}'`);
  const cache = values.cache as string | undefined;
  if (cache === '') throw new UsageError('--cache needs a folder');
  return {
    kind: 'run',
    args: { folder: folder ?? '.', format: format as Format, failOn, unresolved, unknownProperty, ignore: (values.ignore as string[] | undefined) ?? [], fixEncoding, write, publicCheck: values.public === true, visibilityDefault, ...(cache !== undefined ? { cache: path.resolve(cache) } : {}) },
  };
}

/** node:util's parse errors in the checker's words. */
function parseErrorText(e: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? e.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // A string option without its value (`--format` last, or followed by another option), or a value given
      // to a flag (`--write=yes`).
      if (option && /argument missing|ambiguous/.test(e.message)) return `${option} needs a value`;
      if (option && /does not take an argument/.test(e.message)) return `${option} takes no value`;
      return e.message;
    default:
      return e.message;
  }
}

/** The version of the package the checker belongs to (its package.json, two folders up from `server/out`). */
function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'ospo-notes' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Not installed as the package (a bundle, say): the version is unknown.
  }
  return 'unknown';
}

async function main(): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = readArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ospo-notes: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`ospo-notes ${version()}\n`);
    return 0;
  }
  const args = parsed.args;
  const root = path.resolve(args.folder);
  try {
    const st = fs.statSync(root);
    if (!st.isDirectory()) throw new Error('not a folder');
    fs.readdirSync(root);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such folder' : err.code === 'EACCES' ? 'permission denied' : err.message;
    process.stderr.write(`ospo-notes: cannot read folder '${args.folder}': ${why}\n`);
    return 2;
  }

  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const cache = openCache(args, root);
  const { index, warnings, outside } = await loadVault(root, {
    cache,
    rules: new VaultRules({ ignored: args.ignore }),
    onProgress: (done, total) => {
      if (tty && Date.now() - started > 1000) {
        shown = true;
        process.stderr.write(`\rospo-notes: reading notes ${done}/${total}`);
      }
    },
  });
  if (shown) process.stderr.write('\r\x1b[K');
  // Written before the problems are computed: they do not depend on it, and a failing check still leaves it.
  await cache?.flush();
  if (cache) process.stderr.write(`ospo-notes: cache: ${cache.status.hits} of ${cache.status.hits + cache.status.misses} notes read from it${cache.status.writes > 0 ? ', written' : ''}\n`);
  for (const w of warnings) process.stderr.write(`ospo-notes: warning: ${w.path}: ${w.message}\n`);
  if (args.fixEncoding) return fixEncoding(root, [...index.notePaths()].filter((p) => index.note(p)?.encodingDamage), index.noteCount, args);

  const outsideFiles = new FileLookup(outside);
  const diagnostics: NoteDiagnostic[] = [];
  // The vault's frontmatter schema; a broken schema file is a problem of its own (and the default one is used).
  const schemaFile = readSchemaFileSync(root);
  const frontmatter = loadFrontmatterSchema(schemaFile.text, FRONTMATTER_SCHEMA_PATH, schemaFile.problem);
  diagnostics.push(...frontmatter.problems);
  const diagnosticOptions: DiagnosticOptions = {
    unresolvedLinkSeverity: args.unresolved,
    outside: outsideFiles,
    frontmatterSchema: frontmatter.schema,
    unknownPropertySeverity: args.unknownProperty,
    defaultVisibility: args.visibilityDefault,
    privateLinkSeverity: args.publicCheck ? 'error' : 'warning',
  };
  for (const p of index.notePaths()) diagnostics.push(...noteDiagnostics(index, p, diagnosticOptions));
  diagnostics.sort(compareDiagnostics);

  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  if (args.format === 'json') {
    const rows = diagnostics.map((d) => ({
      file: d.path,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (args.format === 'sarif') {
    const lines = new Map<string, string[]>();
    const lineText = (p: string, line: number): string | undefined => {
      let l = lines.get(p);
      if (!l) {
        try {
          l = splitLines(readNoteTextSync(path.join(root, ...p.split('/'))));
        } catch {
          l = [];
        }
        lines.set(p, l);
      }
      return l[line];
    };
    process.stdout.write(JSON.stringify(sarifLog({ root, toolVersion: version(), diagnostics, lineText, warnings }), null, 2) + '\n');
  } else {
    const lines = diagnostics.map((d) => `${d.path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}`);
    if (lines.length) process.stdout.write(lines.join('\n') + '\n\n');
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    const attachments = index.files.size - index.noteCount;
    process.stdout.write(
      `${index.noteCount} ${plural(index.noteCount, "note")} and ${attachments} ${plural(attachments, "attachment")} checked in ${seconds} s: ` +
        `${counts.error} ${plural(counts.error, 'error')}, ${counts.warning} ${plural(counts.warning, 'warning')}, ` +
        `${counts.information} information, ${counts.hint} ${plural(counts.hint, 'hint')}.\n`,
    );
  }
  const failAt = SEVERITIES.indexOf(args.failOn);
  return diagnostics.some((d) => SEVERITIES.indexOf(d.severity) <= failAt) ? 1 : 0;
}

/**
 * `--fix-encoding`: every damaged run of the notes in `paths` (`file:line:column 'before' → 'after'`), restored
 * in the files with `--write`. Each file is read again for this: what is restored is what is on disk now.
 */
function fixEncoding(root: string, paths: string[], noteCount: number, args: Args): number {
  const rows: Array<{ file: string; line: number; column: number; before: string; after: string; written: boolean }> = [];
  let runs = 0;
  let notes = 0;
  let left = 0;
  for (const p of paths.sort()) {
    const repair = repairNoteEncoding(root, p, { write: args.write });
    if (repair.skipped) {
      process.stderr.write(`ospo-notes: warning: ${p}: ${repair.skipped}\n`);
      left++;
      continue;
    }
    if (repair.damage.length === 0) continue;
    notes++;
    runs += repair.damage.length;
    for (const d of repair.damage) {
      rows.push({ file: p, line: d.range.start.line + 1, column: d.range.start.character + 1, before: d.damaged, after: d.replacement, written: repair.written });
    }
  }
  if (args.format === 'json') {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column} '${r.before}' → ${restoredTextLabel(r.after)}\n`);
    if (rows.length) process.stdout.write('\n');
    const what = `${runs} damaged ${plural(runs, 'run')} in ${notes} ${plural(notes, 'note')}`;
    process.stdout.write(
      runs === 0
        ? `No encoding damage to restore in ${noteCount} ${plural(noteCount, 'note')}.\n`
        : args.write
          ? `Restored ${what}.\n`
          : `${what} would be restored; run again with --write to restore ${runs === 1 ? 'it' : 'them'}.\n`,
    );
  }
  return left > 0 || (runs > 0 && !args.write) ? 1 : 0;
}

/** `--cache DIR`: the vault's model cache, its state said on stderr in one line (why it is rebuilt, if it is). */
function openCache(args: Args, root: string): ModelCache | undefined {
  if (args.cache === undefined) return undefined;
  return ModelCache.open({ dir: args.cache, root, log: (line) => process.stderr.write(`ospo-notes: ${line}\n`) });
}

function plural(n: number, word: string): string {
  return n === 1 ? word : word + 's';
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ospo-notes: internal error: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 2;
  },
);
