// Hand-written: no npm pickle parser refuses globals at the opcode with an allowlist, so none reads untrusted checkpoints safely.
import { CheckpointError } from './errors.ts';

/** Objects made by the hooks (globals, storages, tensors); the unpickler only moves them around. */
export abstract class PickleObject {
  /** What it is, in words, for messages. */
  abstract readonly pickleKind: string;
}

export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | Map<PickleValue, PickleValue>
  | PickleObject;

/** Everything that would run code in Python goes through these; they decide what is allowed. */
export interface UnpickleHooks {
  /** The object a GLOBAL names; throws to refuse it. */
  global(module: string, name: string): PickleValue;
  /** BINPERSID: the object a persistent id stands for. */
  persistentLoad(pid: PickleValue): PickleValue;
  /** REDUCE and NEWOBJ: applies a callable that `global` returned. */
  call(callable: PickleValue, args: readonly PickleValue[]): PickleValue;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** The bytes and where reading is, the stack, its marks and the memo; every failure names the opcode's byte. */
class Machine {
  readonly stack: PickleValue[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, PickleValue>();
  private readonly view: DataView;
  private pos = 0;
  private opcodeAt = 0;

  constructor(
    private readonly data: Uint8Array,
    readonly hooks: UnpickleHooks,
    private readonly file: string,
    private readonly what: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  fail(message: string): never {
    throw new CheckpointError(
      `${this.what} ${message} (pickle byte ${this.opcodeAt}); the checkpoint is corrupt or was not written by torch.save`,
      this.file,
    );
  }

  /** The next opcode; failures from here on name its byte. */
  opcode(): number {
    this.opcodeAt = this.pos;
    return this.u8();
  }

  private need(n: number): number {
    if (n > this.data.length - this.pos) this.fail('ends early: it is truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.data[this.need(1)]!;
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  u64(): number {
    const n = this.view.getBigUint64(this.need(8), true);
    return n > BigInt(this.data.length) ? this.fail(`declares a length of ${n} bytes beyond its end`) : Number(n);
  }

  /** BINFLOAT: big-endian. */
  f64(): number {
    return this.view.getFloat64(this.need(8), false);
  }

  take(n: number): Uint8Array {
    return this.data.subarray(this.need(n), this.pos);
  }

  text(n: number): string {
    const bytes = this.take(n);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('holds a string that is not valid UTF-8');
    }
  }

  latin1(n: number): string {
    return latin1.decode(this.take(n));
  }

  line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('ends inside a GLOBAL name');
    return this.latin1(end - this.pos + 1).slice(0, -1);
  }

  /** Little-endian two's complement, as LONG1/LONG4 store it; a number when exact, else a bigint. */
  long(n: number): number | bigint {
    const bytes = this.take(n);
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
    if (n > 0 && bytes[n - 1]! >= 0x80) value -= 1n << BigInt(8 * n);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /** A length that LONG4 or BINSTRING stores signed. */
  length(opcode: string): number {
    const n = this.i32();
    return n < 0 ? this.fail(`declares a negative ${opcode} length`) : n;
  }

  push(value: PickleValue): void {
    this.stack.push(value);
  }

  pop(): PickleValue {
    return this.stack.length > (this.marks.at(-1) ?? 0)
      ? this.stack.pop()!
      : this.fail('pops past a MARK or an empty stack');
  }

  top(): PickleValue {
    return this.stack.length > 0 ? this.stack[this.stack.length - 1]! : this.fail('reads an empty stack');
  }

  popMark(): PickleValue[] {
    const mark = this.marks.pop();
    return mark === undefined ? this.fail('has no MARK to pop') : this.stack.splice(mark);
  }

  setItems(target: PickleValue, items: PickleValue[]): void {
    if (!(target instanceof Map)) this.fail('sets items on something that is not a dict');
    if (items.length % 2 !== 0) this.fail('sets a dict item without a value');
    for (let i = 0; i < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
  }

  append(target: PickleValue, items: PickleValue[]): void {
    if (!Array.isArray(target)) this.fail('appends to something that is not a list');
    target.push(...items);
  }

  get(index: number): PickleValue {
    return this.memo.has(index) ? this.memo.get(index)! : this.fail(`reads memo slot ${index}, which was never set`);
  }

  apply(callable: PickleValue, args: PickleValue): PickleValue {
    return args instanceof PickleTuple
      ? this.hooks.call(callable, args.items)
      : this.fail('calls with arguments that are not a tuple');
  }
}

type Opcode = (m: Machine) => void;

const tuple = (items: PickleValue[]): PickleTuple => new PickleTuple(items);

/** Framing, the stack and its marks. */
const STACK_OPS: [number, Opcode][] = [
  [0x80, (m) => void m.u8()], // PROTO
  [0x95, (m) => void m.u64()], // FRAME: a hint for streaming readers; all bytes are already here
  [0x28, (m) => void m.marks.push(m.stack.length)], // MARK
  // POP: a MARK at the top goes, else the top item
  [
    0x30,
    (m) => {
      if (m.marks.at(-1) === m.stack.length) m.marks.pop();
      else m.pop();
    },
  ],
  [0x31, (m) => void m.popMark()], // POP_MARK
  [0x32, (m) => m.push(m.top())], // DUP
];

/** Constants, numbers, strings and bytes. */
const SCALAR_OPS: [number, Opcode][] = [
  [0x4e, (m) => m.push(null)], // NONE
  [0x88, (m) => m.push(true)], // NEWTRUE
  [0x89, (m) => m.push(false)], // NEWFALSE
  [0x4b, (m) => m.push(m.u8())], // BININT1
  [0x4d, (m) => m.push(m.u16())], // BININT2
  [0x4a, (m) => m.push(m.i32())], // BININT
  [0x8a, (m) => m.push(m.long(m.u8()))], // LONG1
  [0x8b, (m) => m.push(m.long(m.length('LONG4')))], // LONG4
  [0x47, (m) => m.push(m.f64())], // BINFLOAT
  [0x58, (m) => m.push(m.text(m.u32()))], // BINUNICODE
  [0x8c, (m) => m.push(m.text(m.u8()))], // SHORT_BINUNICODE
  [0x8d, (m) => m.push(m.text(m.u64()))], // BINUNICODE8
  [0x54, (m) => m.push(m.latin1(m.length('BINSTRING')))], // BINSTRING (Python 2 str)
  [0x55, (m) => m.push(m.latin1(m.u8()))], // SHORT_BINSTRING
  [0x42, (m) => m.push(m.take(m.u32()).slice())], // BINBYTES
  [0x43, (m) => m.push(m.take(m.u8()).slice())], // SHORT_BINBYTES
  [0x8e, (m) => m.push(m.take(m.u64()).slice())], // BINBYTES8
  [0x96, (m) => m.push(m.take(m.u64()).slice())], // BYTEARRAY8
];

/** Tuples, lists and dicts. */
const CONTAINER_OPS: [number, Opcode][] = [
  [0x29, (m) => m.push(tuple([]))], // EMPTY_TUPLE
  [0x74, (m) => m.push(tuple(m.popMark()))], // TUPLE
  [0x85, (m) => m.push(tuple([m.pop()]))], // TUPLE1
  // TUPLE2
  [
    0x86,
    (m) => {
      const b = m.pop();
      m.push(tuple([m.pop(), b]));
    },
  ],
  // TUPLE3
  [
    0x87,
    (m) => {
      const c = m.pop();
      const b = m.pop();
      m.push(tuple([m.pop(), b, c]));
    },
  ],
  [0x5d, (m) => m.push([])], // EMPTY_LIST
  [0x6c, (m) => m.push(m.popMark())], // LIST
  // APPEND
  [
    0x61,
    (m) => {
      const item = m.pop();
      m.append(m.top(), [item]);
    },
  ],
  // APPENDS
  [
    0x65,
    (m) => {
      const items = m.popMark();
      m.append(m.top(), items);
    },
  ],
  [0x7d, (m) => m.push(new Map())], // EMPTY_DICT
  // DICT
  [
    0x64,
    (m) => {
      const dict = new Map<PickleValue, PickleValue>();
      m.setItems(dict, m.popMark());
      m.push(dict);
    },
  ],
  // SETITEM
  [
    0x73,
    (m) => {
      const value = m.pop();
      const key = m.pop();
      m.setItems(m.top(), [key, value]);
    },
  ],
  // SETITEMS
  [
    0x75,
    (m) => {
      const items = m.popMark();
      m.setItems(m.top(), items);
    },
  ],
];

/** The memo. */
const MEMO_OPS: [number, Opcode][] = [
  [0x71, (m) => void m.memo.set(m.u8(), m.top())], // BINPUT
  [0x72, (m) => void m.memo.set(m.u32(), m.top())], // LONG_BINPUT
  [0x94, (m) => void m.memo.set(m.memo.size, m.top())], // MEMOIZE
  [0x68, (m) => m.push(m.get(m.u8()))], // BINGET
  [0x6a, (m) => m.push(m.get(m.u32()))], // LONG_BINGET
];

const reduce: Opcode = (m) => {
  const args = m.pop();
  m.push(m.apply(m.pop(), args));
};

/** What would run code in Python: every one goes through the hooks. */
const CODE_OPS: [number, Opcode][] = [
  // GLOBAL
  [
    0x63,
    (m) => {
      const module = m.line();
      m.push(m.hooks.global(module, m.line()));
    },
  ],
  // STACK_GLOBAL
  [
    0x93,
    (m: Machine) => {
      const name = m.pop();
      const module = m.pop();
      if (typeof module !== 'string' || typeof name !== 'string') m.fail('names a global with non-string parts');
      m.push(m.hooks.global(module, name));
    },
  ],
  [0x52, reduce], // REDUCE
  [0x81, reduce], // NEWOBJ
  [0x51, (m) => m.push(m.hooks.persistentLoad(m.pop()))], // BINPERSID
  // BUILD
  [
    0x62,
    (m: Machine) => {
      m.pop();
      // A dict subclass's attributes (a state dict's `_metadata`) hold no tensors; anything else would need code to build.
      if (!(m.top() instanceof Map)) m.fail('sets the state of an object, which only code could build');
    },
  ],
];

const OPCODES = new Map<number, Opcode>([...STACK_OPS, ...SCALAR_OPS, ...CONTAINER_OPS, ...MEMO_OPS, ...CODE_OPS]);
const STOP = 0x2e;

/**
 * Interprets the pickle opcodes torch.save writes (protocols 2 to 5, without the text-mode
 * opcodes of protocol 0). Nothing is executed: callables and persistent ids go to `hooks`.
 * `what` names the stream in messages (e.g. "archive/data.pkl").
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, file: string, what: string): PickleValue {
  const m = new Machine(data, hooks, file, what);
  for (;;) {
    const op = m.opcode();
    if (op === STOP) return m.pop();
    const run = OPCODES.get(op);
    if (run === undefined)
      return m.fail(`uses opcode 0x${op.toString(16).padStart(2, '0')}, which torch.save does not write`);
    run(m);
  }
}
