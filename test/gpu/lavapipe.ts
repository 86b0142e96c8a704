// Mesa's lavapipe unpacked by scripts/gpu/lavapipe.sh, and the environment that makes a child process's
// WebGPU provider use it. The library path must be set before the process starts, hence a child process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, '.cache', 'lavapipe', 'unpacked');
const ICD = join(DIR, 'usr', 'share', 'vulkan', 'icd.d', 'lvp_icd.json');

export const lavapipeAvailable = existsSync(ICD);

export function lavapipeEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_LIBRARY_PATH: join(DIR, 'usr', 'lib', 'x86_64-linux-gnu'),
    // The loader reads VK_DRIVER_FILES from 1.3.234 on and VK_ICD_FILENAMES before; both name only lavapipe.
    VK_ICD_FILENAMES: ICD,
    VK_DRIVER_FILES: ICD,
  };
}

/** Runs a TypeScript file of this repository in a child process on lavapipe; returns its stdout. */
export function runOnLavapipe(
  script: string,
  args: string[],
  timeoutMs: number,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: lavapipeEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
