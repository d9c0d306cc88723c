/**
 * A compact binary encoding of plain data (what `NoteModel` is: objects, arrays, strings, numbers, booleans,
 * null, undefined), for the on-disk model cache (modelCache.ts).
 *
 * It knows nothing of the model's fields: an object is written as the id of its key list (its "shape", written
 * once) followed by its values, and every string once into a table that values refer to by index. So ranges,
 * links and headings cost a few bytes each, a linkpath used by a thousand notes is stored (and, once decoded,
 * held in memory) once, and a change of the model's fields needs no change here: only a bump of
 * `MODEL_CACHE_FORMAT`. `Int32Array` is the one typed array it knows (the model packs its block map in one).
 * Anything else that is not plain data (a Map, a class instance, another typed array, a function, a cycle) is
 * refused at encoding, never written in a form that would read back differently.
 */

const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  /** A non-negative safe integer, as a varint. */
  UInt = 4,
  /** A negative safe integer, its magnitude as a varint. */
  NegInt = 5,
  Float = 6,
  /** A string: its index in the string table. */
  Str = 7,
  Array = 8,
  /** An object: its shape's index, then one value per key of the shape. */
  Object = 9,
  /** The same, of an object without a prototype (`Object.create(null)`). */
  BareObject = 10,
  /** An `Int32Array` (the model's packed block map): its length, then each value zigzag-encoded as a varint. */
  Int32s = 11,
}

export class NotPlainDataError extends Error {}

/** A node of the trie of the key lists seen: `id` is the shape of the list ending here (-1: none yet). */
interface ShapeNode {
  id: number;
  next: Map<string, ShapeNode>;
}

/** Growable output buffer. */
class Writer {
  buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  float(n: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  utf8(s: string): number {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  take(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * The string and shape tables shared by every value of one file: values are encoded one by one (each into its
 * own bytes, so that a reader can skip or decode them separately), the tables written once after them.
 */
export class PlainEncoder {
  private readonly strings = new Map<string, number>();
  private readonly stringList: string[] = [];
  private readonly shapeRoot: ShapeNode = { id: -1, next: new Map() };
  private readonly shapeList: number[][] = [];

  /** The bytes of one value; throws {@link NotPlainDataError} for anything that is not plain data. */
  encode(value: unknown): Buffer {
    const w = this.out;
    w.pos = 0;
    this.value(w, value, 0);
    return Buffer.from(w.take());
  }

  /** One output buffer for every value: each costs an allocation of its own size only. */
  private readonly out = new Writer();

  /** Strings in the table so far (it only grows: values encoded earlier stay valid with a later table). */
  get stringCount(): number {
    return this.stringList.length;
  }

  /**
   * {@link encode}, with `pause()` awaited whenever about `sliceMs` have passed: a model's size is in its lists
   * (links, headings, blocks), each element small, so the lists of the value's top-level object are encoded an
   * element at a time; a 25,000-link model is not one long step. Other encodes must wait until this one ends (they
   * share the output buffer).
   */
  async encodeInSlices(value: unknown, pause: () => Promise<void>, sliceMs: number): Promise<Buffer> {
    const w = this.out;
    w.pos = 0;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.value(w, value, 0);
      return Buffer.from(w.take());
    }
    let until = performance.now() + sliceMs;
    const o = value as Record<string, unknown>;
    this.objectHead(w, o);
    for (const k in o) {
      const v = o[k];
      if (!Array.isArray(v)) {
        this.value(w, v, 1);
        continue;
      }
      w.byte(Tag.Array);
      w.varint(v.length);
      for (let i = 0; i < v.length; i++) {
        this.value(w, v[i], 2);
        if ((i & 63) === 63 && performance.now() >= until) {
          await pause();
          until = performance.now() + sliceMs;
        }
      }
    }
    return Buffer.from(w.take());
  }

  /** An object's tag and shape (its values follow, in key order); throws for anything but plain data. */
  private objectHead(w: Writer, o: Record<string, unknown>): void {
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) throw new NotPlainDataError(`not plain data: ${(o as object).constructor?.name ?? 'object'}`);
    // The shape by a walk of a trie of key lists: no key array or joined string per object.
    let node = this.shapeRoot;
    for (const k in o) {
      let child = node.next.get(k);
      if (!child) {
        child = { id: -1, next: new Map() };
        node.next.set(k, child);
      }
      node = child;
    }
    if (node.id < 0) {
      node.id = this.shapeList.length;
      this.shapeList.push(Object.keys(o).map((k) => this.string(k)));
    }
    w.byte(proto === null ? Tag.BareObject : Tag.Object);
    w.varint(node.id);
  }

  /** The string table then the shape table, for {@link PlainDecoder}. */
  tables(): Buffer {
    const w = new Writer();
    w.varint(this.stringList.length);
    for (const s of this.stringList) {
      // Length in bytes, shifted, with whether it is all ASCII (read back with the faster latin1 decoding).
      const n = Buffer.byteLength(s, 'utf8');
      w.varint(n * 2 + (n === s.length ? 1 : 0));
      w.utf8(s);
    }
    w.varint(this.shapeList.length);
    for (const keys of this.shapeList) {
      w.varint(keys.length);
      for (const k of keys) w.varint(k);
    }
    return Buffer.from(w.take());
  }

  private string(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.stringList.length;
      this.strings.set(s, id);
      this.stringList.push(s);
    }
    return id;
  }

  private value(w: Writer, v: unknown, depth: number): void {
    if (depth > 1000) throw new NotPlainDataError('nested too deeply (or a cycle)');
    switch (typeof v) {
      case 'undefined':
        w.byte(Tag.Undefined);
        return;
      case 'boolean':
        w.byte(v ? Tag.True : Tag.False);
        return;
      case 'number':
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          if (v >= 0) {
            w.byte(Tag.UInt);
            w.varint(v);
          } else {
            w.byte(Tag.NegInt);
            w.varint(-v);
          }
        } else {
          w.byte(Tag.Float);
          w.float(v);
        }
        return;
      case 'string':
        w.byte(Tag.Str);
        w.varint(this.string(v));
        return;
      case 'object':
        if (v === null) {
          w.byte(Tag.Null);
          return;
        }
        if (v instanceof Int32Array) {
          w.byte(Tag.Int32s);
          w.varint(v.length);
          for (let i = 0; i < v.length; i++) w.varint(v[i] >= 0 ? 2 * v[i] : -2 * v[i] - 1);
          return;
        }
        if (ArrayBuffer.isView(v)) throw new NotPlainDataError(`not plain data: ${v.constructor.name}`);
        if (Array.isArray(v)) {
          w.byte(Tag.Array);
          w.varint(v.length);
          for (let i = 0; i < v.length; i++) this.value(w, v[i], depth + 1);
          return;
        }
        {
          const o = v as Record<string, unknown>;
          this.objectHead(w, o);
          for (const k in o) this.value(w, o[k], depth + 1);
        }
        return;
      default:
        throw new NotPlainDataError(`not plain data: ${typeof v}`);
    }
  }
}

export class CorruptDataError extends Error {}

/** Reads values written by {@link PlainEncoder}; every string of the table is decoded once, when first used. */
export class PlainDecoder {
  private readonly stringAt: Int32Array;
  private readonly stringHeader: Int32Array;
  private readonly strings: Array<string | undefined>;
  private readonly shapes: string[][];
  private readonly shapeUses: Uint32Array;
  private readonly factories: Array<((d: PlainDecoder) => unknown) | undefined>;
  private readonly table: Buffer;
  private buf: Buffer;
  private pos = 0;

  /** `tables`: the bytes {@link PlainEncoder.tables} wrote. */
  constructor(tables: Buffer) {
    this.table = tables;
    this.buf = tables;
    const count = this.varint();
    if (count > tables.length) throw new CorruptDataError('string table');
    this.stringAt = new Int32Array(count);
    this.stringHeader = new Int32Array(count);
    this.strings = new Array<string | undefined>(count);
    for (let i = 0; i < count; i++) {
      const header = this.varint();
      this.stringHeader[i] = header;
      this.stringAt[i] = this.pos;
      this.pos += header >>> 1;
      if (this.pos > tables.length) throw new CorruptDataError('string table');
    }
    const shapeCount = this.varint();
    if (shapeCount > tables.length) throw new CorruptDataError('shape table');
    this.shapes = new Array<string[]>(shapeCount);
    for (let i = 0; i < shapeCount; i++) {
      const n = this.varint();
      if (n > tables.length) throw new CorruptDataError('shape table');
      const keys = new Array<string>(n);
      for (let k = 0; k < n; k++) keys[k] = this.string(this.varint());
      this.shapes[i] = keys;
    }
    if (this.pos !== tables.length) throw new CorruptDataError('tables');
    this.shapeUses = new Uint32Array(shapeCount);
    this.factories = new Array(shapeCount);
  }

  /** The value in `bytes`, which must hold exactly one. */
  decode(bytes: Buffer): unknown {
    const tables = this.buf;
    this.buf = bytes;
    this.pos = 0;
    try {
      const v = this.next();
      if (this.pos !== bytes.length) throw new CorruptDataError('trailing bytes');
      return v;
    } catch (e) {
      if (e instanceof CorruptDataError) throw e;
      throw new CorruptDataError((e as Error).message);
    } finally {
      this.buf = tables;
    }
  }

  private string(id: number): string {
    if (id >= this.strings.length) throw new CorruptDataError('string index');
    let s = this.strings[id];
    if (s === undefined) {
      const header = this.stringHeader[id];
      const at = this.stringAt[id];
      const end = at + (header >>> 1);
      // The table, not the value being decoded: strings always live there.
      const table = this.table;
      const decoded = table.toString(header & 1 ? 'latin1' : 'utf8', at, end);
      this.strings[id] = decoded;
      return decoded;
    }
    return s;
  }

  private varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b < 0x80) return b;
    let n = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 8; i++) {
      b = buf[this.pos++];
      if (b === undefined) throw new CorruptDataError('truncated');
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
    throw new CorruptDataError('varint');
  }

  /** The next value (public for the generated object factories only). */
  next(): unknown {
    const tag = this.buf[this.pos++];
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.UInt:
        return this.varint();
      case Tag.NegInt:
        return -this.varint();
      case Tag.Float: {
        if (this.pos + 8 > this.buf.length) throw new CorruptDataError('truncated');
        const f = this.buf.readDoubleLE(this.pos);
        this.pos += 8;
        return f;
      }
      case Tag.Str:
        return this.string(this.varint());
      case Tag.Array: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) throw new CorruptDataError('array length');
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.next());
        return a;
      }
      case Tag.Int32s: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) throw new CorruptDataError('array length');
        const a = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const z = this.varint();
          a[i] = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        }
        return a;
      }
      case Tag.Object: {
        const id = this.varint();
        const make = this.factories[id];
        if (make) return make(this);
        const keys = this.shapes[id];
        if (keys === undefined) throw new CorruptDataError('shape index');
        if (++this.shapeUses[id] === FACTORY_AFTER_USES) this.factories[id] = objectFactory(keys);
        const o: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          // `__proto__` as an own key (YAML may hold one) must not set the prototype.
          if (k === '__proto__') Object.defineProperty(o, k, { value: this.next(), enumerable: true, writable: true, configurable: true });
          else o[k] = this.next();
        }
        return o;
      }
      case Tag.BareObject: {
        const keys = this.shapes[this.varint()];
        if (keys === undefined) throw new CorruptDataError('shape index');
        const o = Object.create(null) as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) o[keys[i]] = this.next();
        return o;
      }
      default:
        throw new CorruptDataError(tag === undefined ? 'truncated' : `unknown tag ${tag}`);
    }
  }
}

/** A shape used this often gets a factory of its own (compiling one costs about what decoding a hundred objects does). */
const FACTORY_AFTER_USES = 64;

/**
 * A function building an object of one shape as a literal: V8 then gives every such object the right number of
 * in-object fields and one hidden class (a third less memory and time than adding the keys one by one). Keys are
 * written with JSON.stringify, so any key is a valid property name; `__proto__` (a literal would set the
 * prototype) never gets a factory.
 */
function objectFactory(keys: string[]): ((d: PlainDecoder) => unknown) | undefined {
  if (keys.includes('__proto__') || keys.length > 100) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('d', `return {${keys.map((k) => `${JSON.stringify(k)}: d.next()`).join(', ')}};`) as (d: PlainDecoder) => unknown;
}
