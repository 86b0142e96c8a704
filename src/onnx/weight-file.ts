// The external data file of one graph: tensors appended one at a time (so conversion never holds more than
// one tensor), each 64-byte aligned so ONNX Runtime can use them in place from its memory map.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const ALIGN = 64;

export class WeightFile {
  private readonly fd: number;
  private size = 0;
  private readonly hash: Hash = createHash('sha256');

  /** `location` is the file name, relative to the folder of the graph that refers to it. */
  constructor(
    folder: string,
    readonly location: string,
  ) {
    this.fd = openSync(join(folder, location), 'w');
  }

  append(data: ArrayBufferView): { offset: number; length: number } {
    const padding = (ALIGN - (this.size % ALIGN)) % ALIGN;
    if (padding > 0) this.write(new Uint8Array(padding));
    const offset = this.size;
    this.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return { offset, length: data.byteLength };
  }

  private write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.hash.update(bytes);
    this.size += bytes.length;
  }

  /** Closes the file; returns its size and sha256 for the manifest. */
  close(): { bytes: number; sha256: string } {
    closeSync(this.fd);
    return { bytes: this.size, sha256: this.hash.digest('hex') };
  }
}
