// The memory check before a package loads: what a package needs, what the machine has free, and the refusal.
import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import { test } from 'node:test';
import { availableMemory, checkMemory, MemoryError, memoryNeeded } from '../../src/runtime/memory-check.ts';

const GIB = 1024 ** 3;
const pkg = (bytes: number[], precision: 'fp32' | 'int4' = 'fp32') => ({
  name: 'InfiMM-HD-test',
  weights: { precision },
  files: Object.fromEntries(bytes.map((b, i) => [`f${i}`, { bytes: b, sha256: '' }])),
});

test('a package needs its files × 1.5 plus 1 GiB', () => {
  assert.equal(memoryNeeded(pkg([4 * GIB, 1 * GIB])), 8.5 * GIB);
  assert.equal(memoryNeeded(pkg([])), GIB);
});

test('a package that fits passes; one that does not is refused with both sizes and a next step', () => {
  checkMemory(pkg([5 * GIB]), 8.5 * GIB);
  assert.throws(
    () => checkMemory(pkg([10 * GIB]), 6.5 * GIB),
    (e: unknown) => {
      assert.ok(e instanceof MemoryError);
      assert.deepEqual(e.info, {
        code: 'not-enough-memory',
        message: 'The model InfiMM-HD-test needs about 16.0 GiB of memory and 6.5 GiB is free.',
        hint: 'Close other programs and try again, or use an int4 conversion of this checkpoint (about a quarter of fp16).',
      });
      return true;
    },
  );
  // Already int4: the way out is a smaller model.
  assert.throws(
    () => checkMemory(pkg([10 * GIB], 'int4'), GIB),
    (e: unknown) => e instanceof MemoryError && /a smaller model/.test(e.hint ?? ''),
  );
});

test("the memory available is positive and at most the machine's", () => {
  const available = availableMemory();
  assert.ok(available > 0 && available <= totalmem(), String(available));
});
