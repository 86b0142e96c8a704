import { open, type FileHandle } from 'node:fs/promises';
import { allocate, type Allocate } from './checkpoint.ts';
import { CheckpointError } from './errors.ts';

export interface OpenedFile {
  readonly path: string;
  readonly handle: FileHandle;
  readonly size: number;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The plain-words reason a file system call failed, with the next step. */
export function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'not found: check the path, or download the checkpoint first';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied): fix its permissions';
    case 'EISDIR':
      return 'is a folder where a file was expected';
    default:
      return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
  }
}

export async function openFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CheckpointError(describeFsError(error), path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new CheckpointError('is not a regular file: point at the checkpoint file or its folder', path);
    return { path, handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error instanceof CheckpointError ? error : new CheckpointError(describeFsError(error), path);
  }
}

/** One read call moves at most this much (Node caps a single read below 2 GiB). */
const CHUNK = 1 << 30;

/** Reads exactly `length` bytes at `position` into the buffer `into` gives; a short file is a truncation error. */
export async function readAt(
  file: OpenedFile,
  position: number,
  length: number,
  tensor?: string,
  into: Allocate = allocate,
): Promise<Uint8Array> {
  if (position + length > file.size) {
    throw new CheckpointError(
      `is truncated: needs bytes up to ${position + length} but has ${file.size}; download or save it again`,
      file.path,
      tensor,
    );
  }
  const out = into(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.handle.read(out, done, Math.min(CHUNK, length - done), position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(
        `ended after ${position + done} bytes while reading: the file shrank or is truncated`,
        file.path,
        tensor,
      );
    }
    done += bytesRead;
  }
  return out;
}
