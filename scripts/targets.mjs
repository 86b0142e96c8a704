// The platforms a .vsix is built for, where their native binaries live, and how another platform's
// production dependencies get installed on this machine (npm installs only the current platform's sharp).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';
/** vsce target → npm's --os/--cpu/--libc; sharp's packages are @img/sharp-<target> and @img/sharp-libvips-<target>. */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'win32-x64': { os: 'win32', cpu: 'x64' },
  'win32-arm64': { os: 'win32', cpu: 'arm64' },
};
// The committed .vscodeignore keeps linux-x64's binaries; another target gets its names swapped in.
const DEFAULT = { ort: 'linux/x64', sharp: 'linux-x64' };

export const ortDir = (target) => `${ORT_BIN}/${TARGETS[target].os}/${TARGETS[target].cpu}`;
export const hasOrtBinaries = (target) => existsSync(join(ortDir(target), 'onnxruntime_binding.node'));

/** Writes the .vscodeignore for `target` into `work`: its binaries kept instead of linux-x64's. */
export function ignoreFileFor(target, work) {
  const { os, cpu } = TARGETS[target];
  const file = join(work, `vscodeignore-${target}`);
  writeFileSync(
    file,
    readFileSync('.vscodeignore', 'utf8').replaceAll(DEFAULT.ort, `${os}/${cpu}`).replaceAll(DEFAULT.sharp, target),
  );
  return file;
}

/**
 * The folder whose node_modules hold `target`'s production dependencies: the repository when its sharp
 * binaries are installed here, else .cache/package/<target>, installed from npm with that platform's
 * optional packages at the lockfile's versions.
 */
export function dependencyRoot(target) {
  if (existsSync(`node_modules/@img/sharp-${target}`)) return '.';
  const { os, cpu, libc } = TARGETS[target];
  const dir = join('.cache', 'package', target);
  const lock = join(dir, 'package-lock.json');
  // npm ci starts from an empty node_modules: run it again only when the lockfile changed.
  if (existsSync(lock) && readFileSync(lock).equals(readFileSync('package-lock.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync('package.json', join(dir, 'package.json'));
  copyFileSync('package-lock.json', lock);
  // No install scripts: onnxruntime-node's would download CUDA libraries; the prebuilt binaries need none.
  const platform = ['--os', os, '--cpu', cpu, ...(libc === undefined ? [] : ['--libc', libc])];
  const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', ...platform], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `npm could not install ${target}'s packages into ${dir}: is the npm registry, or a cache holding them, reachable?`,
    );
  }
  return dir;
}
