// The npm packages a .vsix ships: the production dependencies installed under a folder (vsce packs
// them as they are) and the packages esbuild bundled into dist/ (npm run build lists them).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** name, version and license of the package in `dir`, from its package.json. */
export function packageInfo(dir) {
  const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { name, version, license: typeof license === 'string' ? license : (license?.type ?? 'UNKNOWN'), dir };
}

/** The production dependencies installed under `root` (what vsce's `npm list --production` finds). */
export function productionPackages(root) {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return out
    .split('\n')
    .filter((line) => line.includes('node_modules'))
    .map((dir) => packageInfo(dir));
}

/** The packages in the bundles of dist/, relative to `root`. */
export function bundledPackages(root = '.') {
  const list = join(root, 'dist', 'bundled-packages.json');
  if (!existsSync(list)) throw new Error(`${relative('.', list)} is missing: run npm run build`);
  return JSON.parse(readFileSync(list, 'utf8')).map((dir) => packageInfo(join(root, dir)));
}
