// What torch.save's data.pkl may contain: an allowlist of globals, storages named by persistent ids,
// and tensor records; every other global is refused before anything could run.
import type { DType } from './dtype.ts';
import { CheckpointError } from './errors.ts';
import { PickleObject, PickleTuple, unpickle, type PickleValue, type UnpickleHooks } from './pickle.ts';

const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

type Callable = 'collections.OrderedDict' | 'torch._utils._rebuild_tensor_v2' | 'torch._utils._rebuild_parameter';
const CALLABLES: ReadonlySet<string> = new Set<Callable>([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
]);

class AllowedGlobal extends PickleObject {
  readonly pickleKind = 'global';
  constructor(readonly qualifiedName: Callable) {
    super();
  }
}

class StorageType extends PickleObject {
  readonly pickleKind = 'storage type';
  constructor(readonly dtype: DType) {
    super();
  }
}

/** `archive/data/<key>`: `numel` elements of `dtype`. */
export class StorageRecord extends PickleObject {
  readonly pickleKind = 'storage';
  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
  ) {
    super();
  }
}

/** A view into a storage, as `_rebuild_tensor_v2` describes it (offset and strides in elements). */
export class TensorRecord extends PickleObject {
  readonly pickleKind = 'tensor';
  constructor(
    readonly storage: StorageRecord,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
  ) {
    super();
  }
}

function isCount(value: PickleValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function counts(value: PickleValue | undefined): number[] | undefined {
  return value instanceof PickleTuple && value.items.every(isCount) ? [...value.items] : undefined;
}

function torchHooks(file: string, what: string): UnpickleHooks {
  const fail = (message: string): never => {
    throw new CheckpointError(`${what} ${message}`, file);
  };
  const storages = new Map<string, StorageRecord>();
  return {
    global(module, name) {
      const qualified = `${module}.${name}`;
      if (CALLABLES.has(qualified)) return new AllowedGlobal(qualified as Callable);
      const storageDType = module === 'torch' ? STORAGE_DTYPES[name] : undefined;
      if (storageDType !== undefined) return new StorageType(storageDType);
      if (module === 'torch' && name.endsWith('Storage')) {
        return fail(
          `holds a ${name}, a dtype this reader does not support (it reads float64/32/16, bfloat16, int64/32/16/8, uint8 and bool); convert those tensors before saving`,
        );
      }
      if (qualified === 'torch.storage._load_from_bytes') {
        return fail(
          'holds a storage pickled as bytes (torch.storage._load_from_bytes), which only torch.load could run: refused. Re-save the weights with torch.save(model.state_dict(), path)',
        );
      }
      return fail(
        `asks to call the Python global "${qualified}", which a checkpoint of tensors never needs: refused without running it. Only (nested) dicts of tensors are read: if you made this file, save model.state_dict() instead; otherwise it may be malicious`,
      );
    },
    persistentLoad(pid) {
      if (!(pid instanceof PickleTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
        return fail('holds a persistent id that is not a torch storage');
      }
      // ('storage', storage type, key, location, numel); the location (cpu, cuda:0) does not matter here.
      const [, type, key, , numel] = pid.items;
      if (!(type instanceof StorageType) || typeof key !== 'string' || !isCount(numel)) {
        return fail(`holds a malformed storage id for key ${String(key)}`);
      }
      const known = storages.get(key);
      if (known === undefined) storages.set(key, new StorageRecord(key, type.dtype, numel));
      else if (known.dtype !== type.dtype || known.numel !== numel) {
        fail(`uses storage ${key} both as ${known.numel} × ${known.dtype} and as ${numel} × ${type.dtype}`);
      }
      return storages.get(key)!;
    },
    call(callable, args) {
      if (!(callable instanceof AllowedGlobal)) {
        return fail(
          `calls a ${callable instanceof PickleObject ? callable.pickleKind : typeof callable} as if it were a function`,
        );
      }
      switch (callable.qualifiedName) {
        case 'collections.OrderedDict':
          return args.length === 0
            ? new Map()
            : fail('builds an OrderedDict from arguments, which torch.save never writes');
        case 'torch._utils._rebuild_parameter':
          return args[0] instanceof TensorRecord ? args[0] : fail('wraps something other than a tensor in a Parameter');
        case 'torch._utils._rebuild_tensor_v2': {
          // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
          const [storage, offset] = args;
          const shape = counts(args[2]);
          const strides = counts(args[3]);
          if (
            !(storage instanceof StorageRecord) ||
            !isCount(offset) ||
            !shape ||
            !strides ||
            shape.length !== strides.length
          ) {
            return fail('holds a malformed tensor record (_rebuild_tensor_v2 arguments)');
          }
          return new TensorRecord(storage, offset, shape, strides);
        }
      }
    },
  };
}

/**
 * Unpickles data.pkl and lists its tensors with dot-joined key paths, so `{'state_dict': {'w': t}}`
 * yields `state_dict.w`. `what` names the pickle in messages. Values that are not tensors or dicts (epochs, lists, optimiser settings) are skipped.
 */
export function tensorsInPickle(data: Uint8Array, file: string, what: string): Array<[string, TensorRecord]> {
  const root = unpickle(data, torchHooks(file, what), file, what);
  if (!(root instanceof Map)) {
    throw new CheckpointError(
      'holds no dict of tensors (a state dict): save one with torch.save(model.state_dict(), path)',
      file,
    );
  }
  const found: Array<[string, TensorRecord]> = [];
  const visiting = new Set<Map<PickleValue, PickleValue>>();
  const visit = (dict: Map<PickleValue, PickleValue>, prefix: string): void => {
    if (visiting.has(dict)) return; // a dict that contains itself adds no tensors
    visiting.add(dict);
    for (const [key, value] of dict) {
      if (typeof key !== 'string' && typeof key !== 'number') continue;
      const name = prefix === '' ? String(key) : `${prefix}.${key}`;
      if (value instanceof TensorRecord) found.push([name, value]);
      else if (value instanceof Map) visit(value, name);
    }
    visiting.delete(dict);
  };
  visit(root, '');
  return found;
}
