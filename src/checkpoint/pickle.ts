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

/**
 * Interprets the pickle opcodes torch.save writes (protocols 2 to 5, without the text-mode
 * opcodes of protocol 0). Nothing is executed: callables and persistent ids go to `hooks`.
 * `what` names the stream in messages (e.g. "archive/data.pkl").
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, file: string, what: string): PickleValue {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  let opcodeAt = 0;

  // Annotated so that control flow knows a call never returns.
  const fail: (message: string) => never = (message) => {
    throw new CheckpointError(`${what} ${message} (pickle byte ${opcodeAt}); the checkpoint is corrupt or was not written by torch.save`, file);
  };
  const need = (n: number): number => {
    if (n > data.length - pos) fail('ends early: it is truncated');
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => data[need(1)]!;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const i32 = (): number => view.getInt32(need(4), true);
  const u64 = (): number => {
    const n = view.getBigUint64(need(8), true);
    return n > BigInt(data.length) ? fail(`declares a length of ${n} bytes beyond its end`) : Number(n);
  };
  const take = (n: number): Uint8Array => data.subarray(need(n), pos);
  const text = (n: number): string => {
    const bytes = take(n);
    try {
      return utf8.decode(bytes);
    } catch {
      return fail('holds a string that is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('ends inside a GLOBAL name');
    return latin1.decode(take(end - pos + 1)).slice(0, -1);
  };
  /** Little-endian two's complement, as LONG1/LONG4 store it; a number when exact, else a bigint. */
  const long = (n: number): number | bigint => {
    const bytes = take(n);
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
    if (n > 0 && bytes[n - 1]! >= 0x80) value -= 1n << BigInt(8 * n);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  const pop = (): PickleValue => (stack.length > (marks.at(-1) ?? 0) ? stack.pop()! : fail('pops past a MARK or an empty stack'));
  const top = (): PickleValue => (stack.length > 0 ? stack[stack.length - 1]! : fail('reads an empty stack'));
  const popMark = (): PickleValue[] => {
    const mark = marks.pop();
    return mark === undefined ? fail('has no MARK to pop') : stack.splice(mark);
  };
  const tuple = (items: PickleValue[]): PickleTuple => new PickleTuple(items);
  const setItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!(target instanceof Map)) fail('sets items on something that is not a dict');
    if (items.length % 2 !== 0) fail('sets a dict item without a value');
    for (let i = 0; i < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
  };
  const append = (target: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(target)) fail('appends to something that is not a list');
    target.push(...items);
  };
  const get = (index: number): PickleValue => (memo.has(index) ? memo.get(index)! : fail(`reads memo slot ${index}, which was never set`));
  const apply = (callable: PickleValue, args: PickleValue): PickleValue =>
    args instanceof PickleTuple ? hooks.call(callable, args.items) : fail('calls with arguments that are not a tuple');

  for (;;) {
    opcodeAt = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME: a hint for streaming readers; all bytes are already here
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (marks.at(-1) === stack.length) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
        stack.push(long(u8()));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        stack.push(n < 0 ? fail('declares a negative LONG4 length') : long(n));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: {
        // BINSTRING (Python 2 str)
        const n = i32();
        stack.push(n < 0 ? fail('declares a negative BINSTRING length') : latin1.decode(take(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const dict = new Map<PickleValue, PickleValue>();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(get(u32()));
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(hooks.global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('names a global with non-string parts');
        stack.push(hooks.global(module, name));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(apply(pop(), args));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x62: {
        // BUILD
        pop();
        // A dict subclass's attributes (a state dict's `_metadata`) hold no tensors; anything else would need code to build.
        if (!(top() instanceof Map)) fail('sets the state of an object, which only code could build');
        break;
      }
      default:
        fail(`uses opcode 0x${op.toString(16).padStart(2, '0')}, which torch.save does not write`);
    }
  }
}
