/**
 * A map from a key to a set of strings, for the index's reverse maps (who links here, who waits on a name, which
 * files have a name). Most of these sets hold one string: a vault of 10,000 notes has some 60,000 of them, and a
 * `Set` costs about 150 bytes, so a set of one is kept as the string itself and becomes a `Set` at its second.
 */
export class StringSetMap {
  private readonly map = new Map<string, string | Set<string>>();

  /** How many keys have a non-empty set. */
  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Whether `value` is in the set of `key`. */
  includes(key: string, value: string): boolean {
    const v = this.map.get(key);
    return v === undefined ? false : typeof v === 'string' ? v === value : v.has(value);
  }

  /** Adds `value` to the set of `key`; true when `key` had no set before (one lookup where `has` + `add` are two). */
  add(key: string, value: string): boolean {
    const v = this.map.get(key);
    if (v === undefined) {
      this.map.set(key, value);
      return true;
    }
    if (typeof v === 'string') {
      if (v !== value) this.map.set(key, new Set([v, value]));
    } else v.add(value);
    return false;
  }

  delete(key: string, value: string): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    if (typeof v === 'string') {
      if (v === value) this.map.delete(key);
      return;
    }
    v.delete(value);
    if (v.size === 1) this.map.set(key, v.values().next().value as string);
  }

  /** The set of `key` (empty when absent). A set of one is a new `Set` each call: read it, do not keep it. */
  get(key: string): ReadonlySet<string> {
    const v = this.map.get(key);
    return v === undefined ? EMPTY : typeof v === 'string' ? new Set([v]) : v;
  }

  /** The strings of `key`, to iterate at once (cheaper than {@link get} for a set of one). */
  values(key: string): Iterable<string> {
    const v = this.map.get(key);
    return v === undefined ? NONE : typeof v === 'string' ? [v] : v;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  clear(): void {
    this.map.clear();
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const NONE: readonly string[] = [];
