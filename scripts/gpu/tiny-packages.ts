// Writes the tiny parity packages (converted from the PyTorch reference's random checkpoints) into a folder,
// one subfolder per preset and precision, for the GPU machine, which runs them without Python's reference.
// Usage: tiny-packages.ts OUT_DIR
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { tinyPackage } from '../../harness/tiny-models.ts';

const TINY_PACKAGES = [
  ['tiny', 'fp32'],
  ['tiny', 'fp16'],
  ['tiny', 'int4'],
  ['tiny-gqa', 'fp32'],
  ['tiny-gqa', 'int4'],
] as const;

const out = process.argv[2];
if (!out) throw new Error('usage: tiny-packages.ts OUT_DIR');
for (const [preset, precision] of TINY_PACKAGES) {
  cpSync(await tinyPackage({ preset, precision }), join(out, `${preset}-${precision}`), { recursive: true });
}
