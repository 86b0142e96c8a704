// Reads every tensor of a checkpoint once, converted to float32 as the converter consumes it (into reused buffers).
import { BufferPool, openCheckpoint } from '../src/checkpoint/index.ts';

/**
 * Throughput in MB (10^6 bytes of stored tensor data) per second, from open to the last tensor;
 * peak RSS sampled while each tensor is held; and the largest tensor's stored bytes, the bound the
 * reader's memory should follow.
 */
export async function benchCheckpointRead(
  path: string,
): Promise<{ mbPerSecond: number; peakRssBytes: number; largestTensorBytes: number }> {
  const started = performance.now();
  let peakRssBytes = process.memoryUsage.rss();
  let largestTensorBytes = 0;
  let bytes = 0;
  const checkpoint = await openCheckpoint(path);
  const buffers = new BufferPool();
  try {
    for (const entry of checkpoint.entries) {
      const values = await checkpoint.readFloat32(entry.names[0]!, buffers);
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss()); // sampled while `values` is held
      if (values.length === 0 && entry.byteLength > 0) throw new Error(`${entry.names[0]} read back empty`);
      bytes += entry.byteLength;
      largestTensorBytes = Math.max(largestTensorBytes, entry.byteLength);
      buffers.give([values]);
    }
  } finally {
    await checkpoint.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { mbPerSecond: bytes / 1e6 / seconds, peakRssBytes, largestTensorBytes };
}
