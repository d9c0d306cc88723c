/**
 * An in-memory vault for rename tests: note texts and attachment paths, an index built from them as the server
 * builds one from open buffers, and a workspace edit applied to the texts the way an editor applies it
 * (`vscode-languageserver-textdocument`), renames included.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { type FeatureContext, type FileMove, isNotePath, parseBuffer, type RenameOptions, VaultIndex } from '@ospo-notes/engine';

const SCHEME = 'mem:/';

export function memUri(path: string): string {
  return SCHEME + path;
}

function pathOf(uri: string): string {
  if (!uri.startsWith(SCHEME)) throw new Error(`not a memory-vault URI: ${uri}`);
  return uri.slice(SCHEME.length);
}

export class MemoryVault {
  /** Notes: vault path → text. */
  readonly texts = new Map<string, string>();
  readonly attachments = new Set<string>();
  /** Versions of notes "open in the editor" (their edits must name them). */
  readonly open = new Map<string, number>();
  index = new VaultIndex();

  constructor(files: Record<string, string | null> = {}) {
    for (const [p, text] of Object.entries(files)) {
      if (text === null || !isNotePath(p)) this.attachments.add(p);
      else this.texts.set(p, text);
    }
    this.reindex();
  }

  reindex(): VaultIndex {
    this.index = new VaultIndex();
    this.index.load(
      [...this.texts].map(([p, t]) => parseBuffer(p, t)),
      this.attachments,
    );
    return this.index;
  }

  get ctx(): FeatureContext {
    return { index: this.index, getText: (p) => this.texts.get(p) };
  }

  readonly options: RenameOptions = {
    targetOf: (p) => ({ uri: memUri(p), version: this.open.get(p) ?? null }),
    uriOf: (p) => memUri(p),
  };

  /**
   * Applies a workspace edit: versioned edits must name the open version (else the whole edit is refused, as an
   * editor refuses it), then renames in order. `thenMove` moves files afterwards, as the explorer does after
   * `willRenameFiles` (a folder's path moves every file under it). Returns the old → new path of every moved file.
   */
  apply(edit: WorkspaceEdit, thenMove: readonly FileMove[] = []): Map<string, string> {
    const moved = new Map<string, string>();
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) {
        const p = pathOf(change.textDocument.uri);
        const want = this.open.get(p) ?? null;
        if (change.textDocument.version !== want) throw new Error(`edit of ${p} names version ${change.textDocument.version}, the buffer is at ${want}`);
      }
    }
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) {
        const p = pathOf((change as TextDocumentEdit).textDocument.uri);
        const text = this.texts.get(p);
        if (text === undefined) throw new Error(`edit of ${p}, which is not a note`);
        const doc = TextDocument.create(memUri(p), 'markdown', 1, text);
        this.texts.set(p, TextDocument.applyEdits(doc, (change as TextDocumentEdit).edits as never));
      } else if (change.kind === 'rename') {
        const from = pathOf(change.oldUri);
        const to = pathOf(change.newUri);
        this.moveFile(from, to);
        moved.set(from, to);
      } else {
        throw new Error(`unexpected operation ${change.kind}`);
      }
    }
    if (edit.changes) throw new Error('unversioned changes');
    for (const m of thenMove) {
      if (m.oldPath === m.newPath) continue;
      const files = [...this.texts.keys(), ...this.attachments];
      if (files.includes(m.oldPath)) {
        this.moveFile(m.oldPath, m.newPath);
        moved.set(m.oldPath, m.newPath);
        continue;
      }
      for (const f of files) {
        if (!f.startsWith(`${m.oldPath}/`)) continue;
        const to = `${m.newPath}/${f.slice(m.oldPath.length + 1)}`;
        this.moveFile(f, to);
        moved.set(f, to);
      }
    }
    return moved;
  }

  private moveFile(from: string, to: string): void {
    if (this.texts.has(to) || this.attachments.has(to)) throw new Error(`${to} exists`);
    const text = this.texts.get(from);
    if (text !== undefined) {
      this.texts.delete(from);
      this.texts.set(to, text);
    } else if (this.attachments.delete(from)) {
      this.attachments.add(to);
    } else {
      throw new Error(`${from} does not exist`);
    }
  }
}
