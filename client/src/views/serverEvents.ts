/**
 * One handler per server notification, shared by every view: `LanguageClient.onNotification` keeps a single
 * handler per method (a second registration replaces the first), so the views subscribe here and this module
 * registers one dispatcher per method that calls them all.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const dispatchers = new WeakMap<LanguageClient, Map<string, Set<(params: unknown) => void>>>();

export function onServerNotification<P>(client: LanguageClient, method: string, handler: (params: P) => void): vscode.Disposable {
  let methods = dispatchers.get(client);
  if (!methods) dispatchers.set(client, (methods = new Map()));
  let handlers = methods.get(method);
  if (!handlers) {
    const set = new Set<(params: unknown) => void>();
    handlers = set;
    methods.set(method, set);
    client.onNotification(method, (params: unknown) => {
      for (const h of [...set]) h(params);
    });
  }
  const h = handler as (params: unknown) => void;
  handlers.add(h);
  return { dispose: () => void handlers!.delete(h) };
}
