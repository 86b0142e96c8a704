import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Debian's Python, which carries python3-torch and python3-sentencepiece (the pyenv python3 on PATH may not). */
export const PYTHON = process.env.INFIMM_PYTHON ?? '/usr/bin/python3';

const cache = new Map<string, boolean>();

/** True when `python -c "import <module>"` works. */
export function hasPythonModule(module: string): boolean {
  const key = `py:${module}`;
  if (!cache.has(key)) {
    cache.set(key, spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
  }
  return cache.get(key)!;
}

/** True when the program answers `--version`. */
export function hasProgram(program: string): boolean {
  const key = `bin:${program}`;
  if (!cache.has(key)) cache.set(key, spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0);
  return cache.get(key)!;
}

/**
 * Skips the test when a system dependency is missing, except under CI=true, where a missing
 * dependency is an install bug and fails the test.
 */
export function requireOrSkip(t: TestContext, available: boolean, what: string): boolean {
  if (available) return true;
  if (process.env.CI === 'true') throw new Error(`${what} is missing; CI must install it`);
  t.skip(`${what} is missing`);
  return false;
}
