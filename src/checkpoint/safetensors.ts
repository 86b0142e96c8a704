import { elementCount, type OpenedSource, type StoredTensor } from './checkpoint.ts';
import { ITEM_SIZE, isDType } from './dtype.ts';
import { CheckpointError } from './errors.ts';
import { readAt, type OpenedFile } from './file-io.ts';

/** The reference implementation refuses headers above 100 MB; so do we, before allocating one. */
const MAX_HEADER_BYTES = 100_000_000;

const CORRUPT = 'the safetensors file is corrupt; download or export it again';

interface Located {
  name: string;
  begin: number;
  end: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Parses and validates the header; every offset is checked against the file before any tensor is read. */
async function readHeader(file: OpenedFile): Promise<StoredTensor[]> {
  const fail = (message: string, tensor?: string): never => {
    throw new CheckpointError(message, file.path, tensor);
  };
  if (file.size < 8) fail(`is ${file.size} bytes, too short for a safetensors header; ${CORRUPT}`);
  const length = new DataView((await readAt(file, 0, 8)).buffer).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, file.size - 8))) {
    fail(`declares a ${length}-byte header in a ${file.size}-byte file: not a safetensors file, or truncated`);
  }
  const headerLength = Number(length);
  const dataStart = 8 + headerLength;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readAt(file, 8, headerLength)));
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    fail(`header is not valid JSON (${error instanceof Error ? error.message : String(error)}); ${CORRUPT}`);
  }
  if (!isRecord(header)) return fail(`header is not a JSON object; ${CORRUPT}`);

  const tensors: StoredTensor[] = [];
  const ranges: Located[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(info)) return fail(`header entry is not an object; ${CORRUPT}`, name);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string') return fail(`has no dtype; ${CORRUPT}`, name);
    if (!isDType(dtype)) {
      return fail(
        `has dtype ${dtype}, which this reader does not support (it reads ${Object.keys(ITEM_SIZE).join(', ')}); convert the tensor to one of those`,
        name,
      );
    }
    if (!Array.isArray(shape) || !shape.every(isCount))
      return fail(`has an invalid shape ${JSON.stringify(shape)}; ${CORRUPT}`, name);
    const [begin, end] = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isCount) ? offsets : [];
    if (begin === undefined || end === undefined || begin > end) {
      return fail(`has invalid data_offsets ${JSON.stringify(offsets)}; ${CORRUPT}`, name);
    }
    const byteLength = elementCount(shape) * ITEM_SIZE[dtype];
    if (end - begin !== byteLength) {
      return fail(
        `shape [${shape.join(', ')}] of ${dtype} needs ${byteLength} bytes but data_offsets span ${end - begin}; ${CORRUPT}`,
        name,
      );
    }
    if (dataStart + end > file.size) {
      return fail(
        `lies past the end of the file (needs byte ${dataStart + end}, file has ${file.size}): the file is truncated; download or export it again`,
        name,
      );
    }
    ranges.push({ name, begin, end });
    const entry = { names: [name], dtype, shape, byteLength, file: file.path };
    tensors.push({ entry, read: (into) => readAt(file, dataStart + begin, byteLength, name, into) });
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < ranges.length; i++) {
    const previous = ranges[i - 1]!;
    const current = ranges[i]!;
    if (current.begin < previous.end)
      fail(`overlaps tensor "${previous.name}" in the data section; ${CORRUPT}`, current.name);
  }
  return tensors;
}

/** Reads the header of an opened safetensors file; the file is the caller's to close on error. */
export async function readSafetensors(file: OpenedFile): Promise<OpenedSource> {
  return { format: 'safetensors', tensors: await readHeader(file), close: () => file.handle.close() };
}
