/**
 * Where a new note goes, and what it starts with (its template is expanded by features/templates.ts): the one rule behind the client's "Create note for link under
 * cursor", the quick fix that creates the note of an unresolved link, and "extract selection into a new note".
 *
 * The place is the one Obsidian picks when a link is clicked: a linkpath with a folder names the note's path from
 * the vault root (`[[Projects/Plan]]` → `Projects/Plan.md`), `./` and `../` are relative to the linking note and
 * a leading `/` is the vault root (R3.5); a bare name goes to the folder for new notes (ours, else Obsidian's
 * `newFileLocation`: `VaultSettings.newNoteFolder`, vault/vaultSettings.ts). Whatever the link says, the result must lie inside the vault:
 * `..` above the root is refused, never clamped, since a file created there would not be the one the link
 * resolves to.
 */
import type { Position } from '../model';
import { newNoteTemplate } from '../diagnostics/frontmatterSchema';
import { parseNote } from '../syntax/parser';
import { FileLookup } from '../vault/fileLookup';
import { fileNameProblem, isAttachmentPath } from '../vault/membership';
import { dirname, extname, NOTE_EXTENSION, resolveDotSegments, stem } from '../vault/paths';
import { resolveLinkpath } from '../vault/resolve';
import { linkAt } from './definition';

/** The template from the default frontmatter schema: each property with a `default`, then the title as a heading. */
export const DEFAULT_NEW_NOTE_TEMPLATE = newNoteTemplate();

export type NewNotePath = { ok: true; path: string; title: string } | { ok: false; reason: string };

/**
 * The vault path of the note an unresolved `linkpath` written in `sourcePath` should create. `newNoteFolder` is
 * the setting: `''` the vault root, `.` (or `./sub`, `../x`) relative to the linking note's folder, anything
 * else a folder from the vault root.
 */
export function newNotePath(linkpath: string, sourcePath: string, newNoteFolder: string): NewNotePath {
  const text = linkpath.normalize('NFC').replace(/\\/g, '/').trim();
  if (text === '') return refuse('The link points to this note itself.');
  if (text.endsWith('/')) return refuse(`"${linkpath}" names a folder, not a note.`);

  const sourceFolder = splitPath(dirname(sourcePath.replace(/\\/g, '/')));
  let base: string[];
  if (text.startsWith('/')) base = [];
  else if (isRelative(text)) base = sourceFolder;
  else if (text.includes('/')) base = [];
  else {
    const folder = newNoteFolder.normalize('NFC').replace(/\\/g, '/').trim();
    base = isRelative(folder) ? [...sourceFolder, ...splitPath(folder)] : splitPath(folder);
  }
  const segments = resolveDotSegments([...base, ...splitPath(text)]);
  if (segments === undefined) return refuse(`"${linkpath}" points outside the vault.`);
  if (segments.length === 0) return refuse(`"${linkpath}" does not name a note.`);
  for (let i = 0; i < segments.length; i++) {
    const problem = fileNameProblem(segments[i], i === segments.length - 1 ? 'file' : 'folder');
    if (problem) return refuse(`Cannot create "${segments.join('/')}": ${problem}.`);
  }

  let name = segments[segments.length - 1];
  const ext = extname(name);
  if (ext !== NOTE_EXTENSION) {
    if (isAttachmentPath(name)) return refuse(`"${name}" is an attachment, not a note: add the file to the vault instead.`);
    // `My.Note` is a note name with a dot in it: the file is `My.Note.md`, as resolution tries (R3.2).
    name = `${name}.${NOTE_EXTENSION}`;
  }
  const result = [...segments.slice(0, -1), name].join('/');
  // The link must find the new note, or creating it fixes nothing (a name the resolver reads differently).
  if (resolveLinkpath(text, sourcePath, new FileLookup([result])).target !== result) {
    return refuse(`a note at "${result}" would not be what "${linkpath}" links to.`);
  }
  return { ok: true, path: result, title: stem(name) };
}

function refuse(reason: string): NewNotePath {
  return { ok: false, reason };
}

function isRelative(text: string): boolean {
  return /^\.\.?(\/|$)/.test(text);
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

export type CreateNotePlan =
  | { kind: 'create'; path: string; title: string }
  | { kind: 'exists'; path: string }
  | { kind: 'refuse'; reason: string };

/**
 * What "Create note for link under cursor" does in the note at `sourcePath` (vault-relative) with buffer `text`:
 * create the note of the unresolved link under the cursor, open the file the link already resolves to, or say why
 * neither is possible. `files` is the vault's file list.
 */
export function planCreateNote(text: string, sourcePath: string, position: Position, files: FileLookup, newNoteFolder: string): CreateNotePlan {
  const note = parseNote(sourcePath, text);
  const at = linkAt(note, position);
  if (!at) return { kind: 'refuse', reason: 'There is no link under the cursor.' };
  const link = at.link;
  if (link.external) return { kind: 'refuse', reason: `"${link.destination ?? link.path}" is a web address, not a note in the vault.` };
  if (link.path.trim() === '') return { kind: 'refuse', reason: 'The link points into this note itself.' };
  const resolved = resolveLinkpath(link.path, sourcePath, files);
  if (resolved.target !== undefined) return { kind: 'exists', path: resolved.target };
  const planned = newNotePath(link.path, sourcePath, newNoteFolder);
  return planned.ok ? { kind: 'create', path: planned.path, title: planned.title } : { kind: 'refuse', reason: planned.reason };
}

/** Characters a note name cannot hold: not allowed in file names (Obsidian, Windows) or meaningful in links. */
const NOT_IN_NOTE_NAMES = /[*"\\/<>:|?#^[\]\x00-\x1f]/g;

/**
 * A note name for `text` (an extracted selection): its first non-empty line without heading, list, quote or task
 * markers and without the characters a file name or a link cannot hold, at most 80 characters (cut at a word);
 * `Untitled` when nothing is left.
 */
export function noteNameFromText(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let name = first
    .replace(/^(?:\s*>)+/, '')
    .replace(/^\s*(?:#{1,6}(?=\s|$)|[-*+](?=\s)|\d{1,9}[.)](?=\s))/, '')
    .replace(/^\s*\[.\]\s/, '')
    .replace(/\[\[([^\]|]*\|)?([^\]]*)\]\]/g, '$2')
    .replace(NOT_IN_NOTE_NAMES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length > 80) {
    const cut = name.slice(0, 80);
    const space = cut.lastIndexOf(' ');
    name = (space > 40 ? cut.slice(0, space) : cut).trim();
  }
  name = name.replace(/^\.+/, '').replace(/[.\s]+$/, '');
  return name === '' ? 'Untitled' : name.normalize('NFC');
}

/**
 * The vault path of a new note named `name` in `folder` (as {@link newNotePath} reads it) for a note written in
 * `sourcePath`, that no file of the vault has yet (compared as the file system of a case-insensitive disk would):
 * `Name.md`, else `Name 1.md`, `Name 2.md`… as Obsidian numbers them. Refused like {@link newNotePath}.
 */
export function freeNewNotePath(files: FileLookup, name: string, sourcePath: string, folder: string): NewNotePath {
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? name : `${name} ${n}`;
    const planned = newNotePath(candidate, sourcePath, folder);
    if (!planned.ok) return planned;
    if (files.withPath(planned.path).length === 0) return planned;
  }
  return refuse(`every name from "${name}" to "${name} 999" is taken`);
}
