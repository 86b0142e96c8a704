// torch.save's zip format (torch >= 1.6): <folder>/data.pkl describes the tensors, <folder>/data/<key>
// holds each storage's raw little-endian bytes, stored uncompressed so a tensor is one positioned read.
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import {
  allocate,
  type Allocate,
  elementCount,
  type OpenedSource,
  type StoredTensor,
  type TensorEntry,
} from './checkpoint.ts';
import { ITEM_SIZE } from './dtype.ts';
import { CheckpointError } from './errors.ts';
import { readAt, type OpenedFile } from './file-io.ts';
import { gather, isContiguous, spanElements } from './strided.ts';
import { tensorsInPickle, type StorageRecord, type TensorRecord } from './torch-pickle.ts';

const RESAVE = 'download or save it again';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function streamToBytes(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Bytes [start, end) of a deflated entry: inflates from its beginning and keeps only that window. */
async function inflateRange(
  zip: ZipFile,
  entry: Entry,
  start: number,
  end: number,
  into: Allocate = allocate,
): Promise<Uint8Array> {
  const out = into(end - start);
  let at = 0;
  for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Uint8Array>) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end - at, chunk.length);
    if (from < to) out.set(chunk.subarray(from, to), at + from - start);
    at += chunk.length;
    if (at >= end) break; // leaving the loop destroys the stream
  }
  return out;
}

/** Bytes [start, start + length) of a storage, in the buffer `into` gives. */
type RangeReader = (start: number, length: number, tensor: string, into?: Allocate) => Promise<Uint8Array>;

/** How to read byte ranges of one storage entry, after checking it holds what the pickle declares. */
async function storageReader(
  zip: ZipFile,
  file: OpenedFile,
  entry: Entry | undefined,
  storage: StorageRecord,
  tensor: string,
): Promise<RangeReader> {
  const fail = (message: string): never => {
    throw new CheckpointError(message, file.path, tensor);
  };
  if (entry === undefined)
    return fail(`its storage data/${storage.key} is missing from the archive: the file is incomplete; ${RESAVE}`);
  const declared = storage.numel * ITEM_SIZE[storage.dtype];
  if (entry.uncompressedSize < declared) {
    fail(
      `its storage ${entry.fileName} holds ${entry.uncompressedSize} bytes but ${declared} are declared: the file is truncated or corrupt; ${RESAVE}`,
    );
  }
  if (entry.isEncrypted()) fail(`its storage ${entry.fileName} is encrypted, which torch.save never does; ${RESAVE}`);
  if (entry.compressionMethod === 8) {
    return async (start, length, name, into) => {
      try {
        return await inflateRange(zip, entry, start, start + length, into);
      } catch (error) {
        throw new CheckpointError(
          `its storage ${entry.fileName} does not inflate (${reason(error)}); ${RESAVE}`,
          file.path,
          name,
        );
      }
    };
  }
  if (entry.compressionMethod !== 0) {
    fail(
      `its storage ${entry.fileName} uses zip compression method ${entry.compressionMethod}, which cannot be read; re-save it with torch.save`,
    );
  }
  let dataStart = 0;
  try {
    dataStart = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
  } catch (error) {
    fail(
      `its storage ${entry.fileName} cannot be located (${reason(error)}): the file is truncated or corrupt; ${RESAVE}`,
    );
  }
  return (start, length, name, into) => readAt(file, dataStart + start, length, name, into);
}

function storedTensor(file: OpenedFile, names: string[], record: TensorRecord, read: RangeReader): StoredTensor {
  const { storage, offset, shape, strides } = record;
  const itemSize = ITEM_SIZE[storage.dtype];
  const span = spanElements(shape, strides);
  const name = names[0]!;
  if (span > 0 && offset + span > storage.numel) {
    throw new CheckpointError(
      `its view reaches element ${offset + span} of storage ${storage.key}, which holds ${storage.numel}: the checkpoint is corrupt; ${RESAVE}`,
      file.path,
      name,
    );
  }
  const entry: TensorEntry = {
    names: names.sort(),
    dtype: storage.dtype,
    shape: [...shape],
    byteLength: elementCount(shape) * itemSize,
    file: file.path,
  };
  const contiguous = isContiguous(shape, strides);
  return {
    entry,
    async read(into) {
      if (contiguous) return read(offset * itemSize, span * itemSize, name, into);
      // A strided view is read as the storage span it covers, then gathered; the span is at most the storage.
      return gather(await read(offset * itemSize, span * itemSize, name), itemSize, shape, strides, into);
    },
  };
}

async function readDirectory(zip: ZipFile, file: OpenedFile): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  try {
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  } catch (error) {
    throw new CheckpointError(`has a corrupt zip directory (${reason(error)}); ${RESAVE}`, file.path);
  }
  return entries;
}

async function readTensors(zip: ZipFile, file: OpenedFile): Promise<StoredTensor[]> {
  const entries = await readDirectory(zip, file);
  const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new CheckpointError(
      pickles.length === 0
        ? 'is a zip archive without <folder>/data.pkl, so not a torch.save checkpoint'
        : `is a zip archive with ${pickles.length} data.pkl records (${pickles.join(', ')}); a torch.save checkpoint has one`,
      file.path,
    );
  }
  // torch names the top folder after the file's stem, but any name is valid.
  const folder = pickles[0]!.slice(0, -'/data.pkl'.length);
  const byteOrder = entries.get(`${folder}/byteorder`);
  if (byteOrder !== undefined) {
    const order = new TextDecoder().decode(await streamToBytes(await zip.openReadStreamPromise(byteOrder)));
    if (order !== 'little')
      throw new CheckpointError(
        `was saved with ${order}-endian storages; re-save it on a little-endian machine`,
        file.path,
      );
  }
  const pickle = await streamToBytes(await zip.openReadStreamPromise(entries.get(pickles[0]!)!));

  // Aliased keys (one module registered under several names) are one view of one storage: group them.
  const groups = new Map<string, { names: string[]; record: TensorRecord }>();
  for (const [name, record] of tensorsInPickle(pickle, file.path, pickles[0]!)) {
    const key = `${record.storage.key}|${record.offset}|${record.shape.join(',')}|${record.strides.join(',')}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { names: [name], record });
    else group.names.push(name);
  }
  const readers = new Map<string, RangeReader>();
  const tensors: StoredTensor[] = [];
  for (const { names, record } of groups.values()) {
    const { storage } = record;
    let reader = readers.get(storage.key);
    if (reader === undefined) {
      reader = await storageReader(zip, file, entries.get(`${folder}/data/${storage.key}`), storage, names[0]!);
      readers.set(storage.key, reader);
    }
    tensors.push(storedTensor(file, names, record, reader));
  }
  return tensors;
}

/** Reads the directory and data.pkl of an opened torch.save archive; the file is the caller's to close on error. */
export async function readTorchZip(file: OpenedFile): Promise<OpenedSource> {
  let zip: ZipFile;
  try {
    // yauzl reads the central directory (ZIP64 included) through its own descriptor.
    zip = await yauzl.openPromise(file.path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new CheckpointError(
      `is not a readable zip archive (${reason(error)}): the file is corrupt or truncated; ${RESAVE}`,
      file.path,
    );
  }
  try {
    const tensors = await readTensors(zip, file);
    return {
      format: 'torch-zip',
      tensors,
      async close() {
        zip.close();
        await file.handle.close();
      },
    };
  } catch (error) {
    zip.close();
    throw error instanceof CheckpointError
      ? error
      : new CheckpointError(`cannot be read as a zip archive (${reason(error)}); ${RESAVE}`, file.path);
  }
}
