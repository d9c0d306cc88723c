/**
 * The one way the engine's front ends package edits: a workspace edit in `documentChanges` form, where every
 * text edit names the version of the document it was computed from. An editor applies such an edit only to that
 * version, so a fix computed before the user typed is refused instead of landing on shifted text.
 *
 * - `version` is the open buffer's version, or `null` for a file that is not open (its text is the file on disk).
 * - A note that is created gets a `CreateFile` before any text edit of it, and its text edits carry `null`.
 * - A file that is renamed gets a `RenameFile` after every text edit: the text edits name its old URI, as an
 *   editor applies the operations in order.
 * - Edits of one document may not overlap (two inserts at one position are allowed and keep their order); an
 *   edit changes exactly the text of its range, nothing is merged or widened. A violation is a bug in the caller
 *   and throws `EditConflictError` rather than sending an edit whose result nobody can predict.
 */
import type { CreateFile, Position, Range, RenameFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { comparePositions } from '../syntax/text';

/** A document an edit applies to: its URI and the version of the text the edit was computed from. */
export interface EditTarget {
  uri: string;
  /** The open buffer's version; `null` when the document is not open (the file on disk). */
  version: number | null;
}

export class EditConflictError extends Error {}

interface DocumentEdits {
  version: number | null;
  edits: TextEdit[];
}

export class WorkspaceEditBuilder {
  private readonly documents = new Map<string, DocumentEdits>();
  private readonly creates: CreateFile[] = [];
  private readonly renames: RenameFile[] = [];

  /** Creates the file at `uri`; by default the edit fails when it already exists (nothing is overwritten). */
  createFile(uri: string, options: { overwrite?: boolean; ignoreIfExists?: boolean } = {}): this {
    if (this.creates.some((c) => c.uri === uri)) throw new EditConflictError(`${uri} is created twice`);
    const known = this.documents.get(uri);
    if (known && known.version !== null) throw new EditConflictError(`${uri} is open (version ${known.version}) and cannot be created`);
    this.creates.push({ kind: 'create', uri, ...(options.overwrite || options.ignoreIfExists ? { options } : {}) });
    return this;
  }

  /**
   * Renames (moves) the file at `oldUri` to `newUri`, after all text edits; by default the edit fails when
   * `newUri` exists (nothing is overwritten).
   */
  renameFile(oldUri: string, newUri: string, options: { overwrite?: boolean; ignoreIfExists?: boolean } = {}): this {
    if (oldUri === newUri) throw new EditConflictError(`${oldUri} is renamed to itself`);
    if (this.renames.some((r) => r.oldUri === oldUri)) throw new EditConflictError(`${oldUri} is renamed twice`);
    if (this.renames.some((r) => r.newUri === newUri) || this.creates.some((c) => c.uri === newUri)) throw new EditConflictError(`${newUri} is the destination of two operations`);
    this.renames.push({ kind: 'rename', oldUri, newUri, ...(options.overwrite || options.ignoreIfExists ? { options } : {}) });
    return this;
  }

  replace(target: EditTarget, range: Range, newText: string): this {
    checkRange(target.uri, range);
    this.documentOf(target).edits.push({ range: { start: { ...range.start }, end: { ...range.end } }, newText });
    return this;
  }

  insert(target: EditTarget, position: Position, newText: string): this {
    return this.replace(target, { start: position, end: position }, newText);
  }

  /** Adds text edits computed together for one document (a feature's answer). */
  addEdits(target: EditTarget, edits: readonly TextEdit[]): this {
    for (const e of edits) this.replace(target, e.range, e.newText);
    return this;
  }

  get isEmpty(): boolean {
    return this.creates.length === 0 && this.documents.size === 0 && this.renames.length === 0;
  }

  /**
   * The workspace edit: file creations first, then one `TextDocumentEdit` per document, edits in text order, then
   * the renames.
   */
  build(): WorkspaceEdit {
    const changes: Array<CreateFile | TextDocumentEdit | RenameFile> = [...this.creates];
    for (const [uri, doc] of this.documents) {
      // A stable sort: inserts at one position keep the order they were added in.
      const edits = doc.edits.slice().sort((a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end));
      for (let i = 1; i < edits.length; i++) {
        if (comparePositions(edits[i].range.start, edits[i - 1].range.end) < 0) {
          throw new EditConflictError(`overlapping edits in ${uri} at ${show(edits[i - 1].range)} and ${show(edits[i].range)}`);
        }
      }
      changes.push({ textDocument: { uri, version: doc.version }, edits });
    }
    changes.push(...this.renames);
    return { documentChanges: changes };
  }

  private documentOf(target: EditTarget): DocumentEdits {
    let doc = this.documents.get(target.uri);
    if (!doc) {
      if (target.version !== null && this.creates.some((c) => c.uri === target.uri)) {
        throw new EditConflictError(`${target.uri} is created by this edit and has no version ${target.version}`);
      }
      this.documents.set(target.uri, (doc = { version: target.version, edits: [] }));
    } else if (doc.version !== target.version) {
      throw new EditConflictError(`${target.uri} is edited at versions ${doc.version} and ${target.version}`);
    }
    return doc;
  }
}

function checkRange(uri: string, range: Range): void {
  const ok = (p: Position): boolean => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
  if (!ok(range.start) || !ok(range.end) || comparePositions(range.start, range.end) > 0) {
    throw new EditConflictError(`invalid range ${show(range)} in ${uri}`);
  }
}

function show(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
