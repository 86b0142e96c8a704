import { toFloat32, type DType } from './dtype.ts';
import { CheckpointError } from './errors.ts';

export interface TensorEntry {
  /** All state-dict keys that name this exact tensor (same storage, offset, shape, strides), sorted. */
  names: string[];
  dtype: DType;
  shape: number[];
  /** Bytes of the tensor when contiguous. */
  byteLength: number;
  /** The file it lives in (for messages). */
  file: string;
}

export type CheckpointFormat = 'safetensors' | 'torch-zip';

export interface Checkpoint {
  readonly format: CheckpointFormat;
  readonly entries: readonly TensorEntry[];
  /** Looks up an entry by any of its names. */
  entry(name: string): TensorEntry | undefined;
  /** The tensor's bytes in its stored dtype, little-endian, contiguous (C order). Reads only this tensor from disk. */
  readBytes(name: string): Promise<Uint8Array>;
  /**
   * The tensor converted to float32 (F32/F16/BF16/F64 and integer types); in a buffer of `buffers` when given
   * (whoever gives it back to the pool must be done with the array), else in a new one.
   */
  readFloat32(name: string, buffers?: BufferSource): Promise<Float32Array>;
  close(): Promise<void>;
}

/** A tensor as a format reader found it: its entry and how to fetch its contiguous bytes. */
export interface StoredTensor {
  readonly entry: TensorEntry;
  /** The bytes, at the start of the buffer `into` gives (new ones by default). */
  read(into?: Allocate): Promise<Uint8Array>;
}

/** `length` bytes at the start of a buffer for a reader to fill (whatever it held before is overwritten). */
export type Allocate = (length: number) => Uint8Array;

/** Buffers to read tensors into: a pool that reuses them saves the page faults of fresh memory on every tensor. */
export interface BufferSource {
  /** A buffer of at least `bytes` bytes. */
  take(bytes: number): ArrayBufferLike;
}

/** What a format reader hands back for one file or a set of shards. */
export interface OpenedSource {
  readonly format: CheckpointFormat;
  readonly tensors: readonly StoredTensor[];
  close(): Promise<void>;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `length` zeroed bytes at the start of a buffer of at least `capacity` bytes. */
export function allocate(length: number, capacity = length): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.max(length, capacity)), 0, length);
}

/** Closes what was opened so far when a later step fails, then rethrows. */
export async function closeAllOnError<T>(sources: readonly OpenedSource[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await Promise.allSettled(sources.map((s) => s.close()));
    throw error;
  }
}

class LoadedCheckpoint implements Checkpoint {
  readonly format: CheckpointFormat;
  readonly entries: readonly TensorEntry[];
  readonly #byName = new Map<string, StoredTensor>();
  readonly #source: OpenedSource;
  readonly #path: string;
  #closed = false;

  constructor(path: string, source: OpenedSource) {
    this.#path = path;
    this.#source = source;
    this.format = source.format;
    this.entries = source.tensors.map((t) => t.entry);
    for (const tensor of source.tensors) {
      for (const name of tensor.entry.names) {
        if (this.#byName.has(name)) {
          throw new CheckpointError(
            'names two different tensors; the checkpoint is inconsistent, re-export it',
            path,
            name,
          );
        }
        this.#byName.set(name, tensor);
      }
    }
  }

  entry(name: string): TensorEntry | undefined {
    return this.#byName.get(name)?.entry;
  }

  async readBytes(name: string): Promise<Uint8Array> {
    return this.#tensor(name).read();
  }

  async readFloat32(name: string, buffers?: BufferSource): Promise<Float32Array> {
    const tensor = this.#tensor(name);
    // Room to widen 2-byte values to float32 in place.
    const capacity = 4 * elementCount(tensor.entry.shape);
    const into: Allocate = buffers
      ? (length) => new Uint8Array(buffers.take(Math.max(length, capacity)), 0, length)
      : (length) => allocate(length, capacity);
    return toFloat32(await tensor.read(into), tensor.entry.dtype);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#source.close();
  }

  #tensor(name: string): StoredTensor {
    if (this.#closed) throw new CheckpointError('was closed before this read: open it again', this.#path, name);
    const tensor = this.#byName.get(name);
    if (tensor === undefined) {
      throw new CheckpointError('is not in this checkpoint: list the names with `entries`', this.#path, name);
    }
    return tensor;
  }
}

/** Wraps a format reader's result; closes it if the result is inconsistent. */
export async function toCheckpoint(path: string, source: OpenedSource): Promise<Checkpoint> {
  return closeAllOnError([source], async () => new LoadedCheckpoint(path, source));
}
