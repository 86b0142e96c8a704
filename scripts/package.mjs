// Builds a platform-specific .vsix holding only that platform's native binaries, then checks its contents.
// Usage: node scripts/package.mjs [--target linux-x64]   (default: this machine's platform)
// The target's native packages must be installed (npm installs only the current platform's sharp),
// so package each target on that platform, e.g. in a CI matrix.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVSIX } from '@vscode/vsce';
import yauzl from 'yauzl';

/** vsce target → where onnxruntime-node and sharp keep that platform's binaries. */
const TARGETS = {
  'linux-x64': { ort: 'linux/x64', sharp: 'linux-x64' },
  'linux-arm64': { ort: 'linux/arm64', sharp: 'linux-arm64' },
  'darwin-arm64': { ort: 'darwin/arm64', sharp: 'darwin-arm64' },
  'win32-x64': { ort: 'win32/x64', sharp: 'win32-x64' },
  'win32-arm64': { ort: 'win32/arm64', sharp: 'win32-arm64' },
};
// The committed .vscodeignore keeps linux-x64; other targets get these names swapped.
const DEFAULT = TARGETS['linux-x64'];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

const targetArg = process.argv.indexOf('--target');
const target = targetArg === -1 ? `${process.platform}-${process.arch}` : process.argv[targetArg + 1];
const paths = TARGETS[target];
if (paths === undefined) fail(`no native binaries for target "${target}"; supported: ${Object.keys(TARGETS).join(', ')}`);

const ortDir = join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', ...paths.ort.split('/'));
const sharpDir = join('node_modules', '@img', `sharp-${paths.sharp}`);
for (const dir of [ortDir, sharpDir]) {
  if (!existsSync(dir)) fail(`${dir} is missing: package ${target} on a ${target} machine after npm ci`);
}

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
if (build.status !== 0) fail('the build failed');

const work = mkdtempSync(join(tmpdir(), 'infimm-package-'));
const ignoreFile = join(work, 'vscodeignore');
writeFileSync(
  ignoreFile,
  readFileSync('.vscodeignore', 'utf8').replaceAll(DEFAULT.ort, paths.ort).replaceAll(DEFAULT.sharp, paths.sharp),
);
const { version, name } = JSON.parse(readFileSync('package.json', 'utf8'));
const packagePath = `${name}-${target}-${version}.vsix`;
try {
  await createVSIX({
    target,
    packagePath,
    ignoreFile,
    dependencies: true,
    allowMissingRepository: true,
    // No repository URL to point at: the README's links to docs/ stay relative.
    rewriteRelativeLinks: false,
    skipLicense: !['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((file) => existsSync(file)),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Every entry name in the .vsix. */
function entries(path) {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names = [];
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const names = await entries(packagePath);
const problems = [];
for (const required of ['dist/extension.cjs', 'dist/runtime-host.cjs', 'dist/webview.js', 'media/panel.css', `${ortDir}/onnxruntime_binding.node`]) {
  if (!names.includes(`extension/${required.replaceAll('\\', '/')}`)) problems.push(`missing ${required}`);
}
if (!names.some((n) => n.startsWith(`extension/${sharpDir.replaceAll('\\', '/')}/`))) problems.push(`missing ${sharpDir}`);
const ortPrefix = 'extension/node_modules/onnxruntime-node/bin/napi-v6/';
const foreignOrt = names.filter((n) => n.startsWith(ortPrefix) && !n.startsWith(`${ortPrefix}${paths.ort}/`));
const foreignSharp = names.filter((n) => /^extension\/node_modules\/@img\/sharp-(libvips-)?/.test(n) && !n.includes(`sharp-${paths.sharp}/`) && !n.includes(`sharp-libvips-${paths.sharp}/`));
for (const name of [...foreignOrt, ...foreignSharp].slice(0, 10)) problems.push(`another platform's binary: ${name}`);
if (problems.length > 0) fail(`${packagePath} is wrong:\n  ${problems.join('\n  ')}`);
console.log(`package: ${packagePath}, ${(statSync(packagePath).size / 1024 / 1024).toFixed(1)} MB, ${names.length} files, only ${target} binaries`);
