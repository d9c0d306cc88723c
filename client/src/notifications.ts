/**
 * The server's notifications, for as many listeners as want them. The language client keeps one handler per
 * method (a second `onNotification` for a method replaces the first), so the status bar, the preview's file
 * list and every view listen here instead, and this registers one handler per method with the client.
 */

/** What the language client offers (kept structural so this module and its tests need no `vscode`). */
export interface NotificationSource {
  // The language client's generic handler type: any parameters.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onNotification(method: string, handler: (...params: any[]) => void): unknown;
}

export interface Subscription {
  dispose(): void;
}

export class ServerNotifications {
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();

  /** `onError`: a listener threw; the others still run. */
  constructor(
    private readonly source: NotificationSource,
    private readonly onError: (method: string, error: unknown) => void = () => undefined,
  ) {}

  on<T>(method: string, listener: (params: T) => void): Subscription {
    let set = this.listeners.get(method);
    if (!set) {
      const created = new Set<(params: unknown) => void>();
      this.listeners.set(method, (set = created));
      this.source.onNotification(method, (params: unknown) => {
        // A copy: a listener may unsubscribe while the notification is delivered.
        for (const l of [...created]) {
          try {
            l(params);
          } catch (e) {
            this.onError(method, e);
          }
        }
      });
    }
    const l = listener as (params: unknown) => void;
    set.add(l);
    const owner = set;
    return { dispose: () => void owner.delete(l) };
  }
}
