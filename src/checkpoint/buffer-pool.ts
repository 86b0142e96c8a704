// Tensor buffers reused from one tensor to the next. A fresh buffer of a large tensor is new memory, and the
// kernel maps it page by page as it is first written: on a loaded two-core machine that was nearly half of an
// int4 conversion's CPU time, more than widening and quantising the weights. The buffers are shared memory, so a
// worker thread can read a band of a weight in place instead of getting a copy.
import type { BufferSource } from './checkpoint.ts';

export class BufferPool implements BufferSource {
  private readonly free: SharedArrayBuffer[] = [];
  private readonly issued = new WeakSet<ArrayBufferLike>();

  /** Buffers under `minBytes` are not worth keeping: they are new ones, as without a pool. */
  constructor(private readonly minBytes = 1 << 20) {}

  /** The smallest free buffer of at least `bytes` bytes, or a new one. */
  take(bytes: number): ArrayBufferLike {
    if (bytes < this.minBytes) return new ArrayBuffer(bytes);
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.byteLength >= bytes && (best < 0 || b.byteLength < this.free[best]!.byteLength)) best = i;
    });
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // None fits: the free ones smaller than this are dropped, so the pool holds the sizes still to come.
    for (let i = this.free.length - 1; i >= 0; i--) if (this.free[i]!.byteLength < bytes) this.free.splice(i, 1);
    const buffer = new SharedArrayBuffer(bytes);
    this.issued.add(buffer);
    return buffer;
  }

  /** Takes back the buffers of arrays their user is done with; arrays of other buffers are left alone. */
  give(arrays: readonly ArrayBufferView[]): void {
    for (const { buffer } of arrays)
      if (buffer instanceof SharedArrayBuffer && this.issued.has(buffer) && !this.free.includes(buffer))
        this.free.push(buffer);
  }
}
