// node --expose-gc --import tsx read-memory.ts <checkpoint>: reads every tensor as float32, collecting
// garbage between reads, and prints as JSON the peak growth over the opened checkpoint's baseline of
// RSS and of ArrayBuffer memory (what the reader holds, free of the allocator's page retention).
import { openCheckpoint } from '../../src/checkpoint/index.ts';

const collect = globalThis.gc;
if (collect === undefined) throw new Error('run with --expose-gc');
const checkpoint = await openCheckpoint(process.argv[2]!);
collect();
const baseline = process.memoryUsage();
let rssGrowth = 0;
let arrayBufferGrowth = 0;
/** Memory while the tensor is held; in its own frame, so nothing keeps the tensor once it returns. */
async function usageWhileHolding(name: string): Promise<NodeJS.MemoryUsage> {
  const values = await checkpoint.readFloat32(name);
  const usage = process.memoryUsage();
  if (values.length === 0) throw new Error(`${name} read back empty`);
  return usage;
}

for (const entry of checkpoint.entries) {
  const now = await usageWhileHolding(entry.names[0]!); // also counts the stored bytes a conversion came from, not yet collected
  rssGrowth = Math.max(rssGrowth, now.rss - baseline.rss);
  arrayBufferGrowth = Math.max(arrayBufferGrowth, now.arrayBuffers - baseline.arrayBuffers);
  collect();
}
await checkpoint.close();
console.log(JSON.stringify({ rssGrowth, arrayBufferGrowth }));
