// Runs Google's SentencePiece (test/tokens/reference.py) on a whole batch in one Python process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../harness/requirements.ts';

export interface ReferenceResult {
  encoded: number[][];
  decoded: string[];
  /** Per id: piece, score, and control | unknown | byte | unused | other. */
  pieces: [string, number, string][];
  /** unk, bos, eos ids. */
  special: [number, number, number];
}

const SCRIPT = fileURLToPath(new URL('reference.py', import.meta.url));

export function reference(
  model: string,
  encode: readonly string[],
  decode: readonly (readonly number[])[],
): ReferenceResult {
  const output = execFileSync(PYTHON, [SCRIPT], {
    input: JSON.stringify({ model, encode, decode }),
    maxBuffer: 1 << 30,
  });
  return JSON.parse(output.toString('utf8')) as ReferenceResult;
}
