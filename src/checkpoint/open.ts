import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { toCheckpoint, type Checkpoint, type CheckpointFormat, type OpenedSource } from './checkpoint.ts';
import { CheckpointError } from './errors.ts';
import { describeFsError, openFile, readAt, type OpenedFile } from './file-io.ts';
import { readSafetensors } from './safetensors.ts';
import { openSharded } from './sharded.ts';
import { readTorchZip } from './torch-zip.ts';

/** What a checkpoint folder may hold, in order of preference. */
const FOLDER_FILES = [
  'model.safetensors.index.json',
  'model.safetensors',
  'pytorch_model.bin.index.json',
  'pytorch_model.bin',
];

/** The format from the first bytes; extensions are not trusted (.bin is used for both). */
async function sniff(file: OpenedFile): Promise<CheckpointFormat> {
  if (file.size === 0)
    throw new CheckpointError(
      'is empty (0 bytes): the download or save was interrupted; fetch or save it again',
      file.path,
    );
  const head = await readAt(file, 0, Math.min(file.size, 9));
  if (head[0] === 0x50 && head[1] === 0x4b) return 'torch-zip'; // "PK"
  if (head[8] === 0x7b) return 'safetensors'; // "{" after the 8-byte header length
  if (head[0] === 0x80) {
    throw new CheckpointError(
      'is a bare pickle (torch.save before torch 1.6, or pickle.dump), which is not read: re-save it with torch >= 1.6, e.g. torch.save(torch.load(path), path)',
      file.path,
    );
  }
  throw new CheckpointError(
    'is not a checkpoint: expected a safetensors file or a torch.save zip archive (.bin, .pt, .ckpt)',
    file.path,
  );
}

async function openWeightsFile(path: string): Promise<OpenedSource> {
  const file = await openFile(path);
  try {
    return (await sniff(file)) === 'safetensors' ? await readSafetensors(file) : await readTorchZip(file);
  } catch (error) {
    await file.handle.close();
    throw error;
  }
}

function openSource(path: string): Promise<OpenedSource> {
  return path.endsWith('.index.json') ? openSharded(path, openWeightsFile) : openWeightsFile(path);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Opens a checkpoint without reading its tensors: a safetensors file, a torch.save zip archive, a
 * sharded checkpoint's `*.index.json`, or a folder holding one of FOLDER_FILES.
 */
export async function openCheckpoint(path: string): Promise<Checkpoint> {
  const info = await stat(path).catch((error: unknown) => {
    throw new CheckpointError(describeFsError(error), path);
  });
  if (!info.isDirectory()) return toCheckpoint(path, await openSource(path));
  for (const name of FOLDER_FILES) {
    const candidate = join(path, name);
    if (await isFile(candidate)) return toCheckpoint(path, await openSource(candidate));
  }
  throw new CheckpointError(
    `contains none of ${FOLDER_FILES.join(', ')}: point at the folder that holds the weights, or at the weights file`,
    path,
  );
}
