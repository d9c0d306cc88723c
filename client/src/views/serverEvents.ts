/**
 * The server's notifications that views refresh from, as events any number of views can subscribe to: the
 * language client keeps one handler per notification method, so extension.ts registers that one handler and
 * fires these.
 */
import * as vscode from 'vscode';
import type { FilesChanged, IndexStatus, NotesChanged } from '../protocol';

export class ServerEvents implements vscode.Disposable {
  private readonly notes = new vscode.EventEmitter<NotesChanged>();
  private readonly files = new vscode.EventEmitter<FilesChanged>();
  private readonly indexed = new vscode.EventEmitter<IndexStatus>();
  /** `ospo/notesChanged`: notes added, changed or removed. */
  readonly onNotesChanged = this.notes.event;
  /** `ospo/filesChanged`: files that entered or left a vault. */
  readonly onFilesChanged = this.files.event;
  /** `ospo/indexed`: a vault finished loading. */
  readonly onIndexed = this.indexed.event;

  notesChanged(c: NotesChanged): void {
    this.notes.fire(c);
  }

  filesChanged(c: FilesChanged): void {
    this.files.fire(c);
  }

  vaultIndexed(s: IndexStatus): void {
    this.indexed.fire(s);
  }

  dispose(): void {
    this.notes.dispose();
    this.files.dispose();
    this.indexed.dispose();
  }
}
