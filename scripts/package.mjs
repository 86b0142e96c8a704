// Builds platform-specific .vsix files, each holding only its platform's native binaries, and checks each one.
// Usage: node scripts/package.mjs [--target <target> | --all]   (default: this machine's platform)
// A target whose sharp binaries are installed here is packaged from the repository; another from its
// dependencies staged by targets.mjs, with the extension's own files copied beside them.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createVSIX, listFiles } from '@vscode/vsce';
import yauzl from 'yauzl';
import { bundledPackages } from './shipped-packages.mjs';
import { dependencyRoot, hasOrtBinaries, ignoreFileFor, ORT_BIN, ortDir, TARGETS } from './targets.mjs';
import { readmeForExtensionsView } from './vsix-readme.mjs';

/** The .vsix's README is the user's; the repository's README.md stays the developers'. */
const README = 'README.vsix.md';
/** Where README.vsix.md, made fit for the Extensions view, is written inside the folder being packaged. */
const VIEW_README = '.cache/vsix-readme.md';
const NOTICES = 'THIRD-PARTY-NOTICES.md';
/** Files that hold native code, by name. */
const NATIVE = /\.(node|dll|exe|dylib)$|\.so(\.\d+)*$/;

function fail(message) {
  throw new Error(message);
}

/** The OS and CPU a native binary was built for, from its ELF, Mach-O (64-bit) or PE header. */
function binaryPlatform(header) {
  if (header.length >= 20 && header.readUInt32BE(0) === 0x7f454c46) {
    return { os: 'linux', cpu: { 0x3e: 'x64', 0xb7: 'arm64' }[header.readUInt16LE(18)] };
  }
  if (header.length >= 8 && header.readUInt32LE(0) === 0xfeedfacf) {
    return { os: 'darwin', cpu: { 0x01000007: 'x64', 0x0100000c: 'arm64' }[header.readUInt32LE(4)] };
  }
  if (header.length >= 0x40 && header.toString('latin1', 0, 2) === 'MZ') {
    const pe = header.readUInt32LE(0x3c);
    if (header.length >= pe + 6 && header.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      return { os: 'win32', cpu: { 0x8664: 'x64', 0xaa64: 'arm64' }[header.readUInt16LE(pe + 4)] };
    }
  }
  return undefined;
}

/** Every entry of the .vsix, with the first 4 KiB of each native binary (enough for its header). */
function readVsix(path) {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names = [];
      const headers = new Map();
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        if (!NATIVE.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks = [];
          let length = 0;
          stream.on('data', (chunk) => {
            chunks.push(chunk);
            length += chunk.length;
            if (length >= 4096) stream.destroy();
          });
          stream.on('close', () => {
            headers.set(entry.fileName, Buffer.concat(chunks).subarray(0, 4096));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolvePromise({ names, headers }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The folder to package `target` from: its dependencies' root, with the extension's own files copied in when staged. */
async function stage(target, ignoreFile) {
  const dir = dependencyRoot(target);
  if (dir === '.') return dir;
  // Fresh each time: they change without the lockfile.
  for (const entry of readdirSync(dir))
    if (entry !== 'node_modules' && entry !== 'package-lock.json') rmSync(join(dir, entry), { recursive: true });
  const own = (await listFiles({ cwd: '.', ignoreFile, dependencies: false, readmePath: README })).filter(
    (file) => !file.startsWith('node_modules/'),
  );
  for (const file of own) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(file, join(dir, file));
  }
  return dir;
}

/** Every package a .vsix holds under node_modules, as name@version (a package's root holds its package.json). */
async function packagedPackages(dir, names) {
  const roots = names
    .map((name) => /^extension\/((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(name)?.[1])
    .filter((root) => root !== undefined);
  return roots.map((root) => {
    const { name, version } = JSON.parse(readFileSync(join(dir, root, 'package.json'), 'utf8'));
    return `${name}@${version}`;
  });
}

/** What is wrong with the .vsix of `target`; empty when nothing is. */
async function check(target, dir, path) {
  const { os, cpu } = TARGETS[target];
  const { names, headers } = await readVsix(path);
  const problems = [];
  const has = (file) => names.includes(`extension/${file}`);
  for (const file of [
    'dist/extension.cjs',
    'dist/runtime-host.cjs',
    'dist/convert.cjs',
    'dist/quantize-worker.cjs',
    'dist/webview.js',
    'media/panel.css',
    'readme.md',
    'changelog.md',
    NOTICES,
    `${ortDir(target)}/onnxruntime_binding.node`,
  ]) {
    if (!has(file)) problems.push(`missing ${file}`);
  }
  if (!names.some((name) => /^extension\/licen[cs]e(\.(md|txt))?$/i.test(name))) problems.push('missing LICENSE');
  const sharpBinding = new RegExp(
    `^extension/node_modules/@img/sharp-${target}/lib/sharp-${target}(-[\\d.]+)?\\.node$`,
  );
  if (!names.some((name) => sharpBinding.test(name))) problems.push(`missing sharp's ${target} binary`);
  // The files the README names (the model card, the notices) must travel with it; its images are inlined.
  for (const [, link] of readFileSync(README, 'utf8')
    .replace(/`[^`]*`/g, '')
    .matchAll(/(?<!!)\[[^\]]*\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
    if (!/^[a-z]+:/i.test(link) && !has(link)) problems.push(`${README} links to ${link}, which is not in the package`);
  }
  const foreign = names.filter(
    (name) =>
      (name.startsWith(`extension/${ORT_BIN}/`) && !name.startsWith(`extension/${ortDir(target)}/`)) ||
      (/^extension\/node_modules\/@img\/sharp-/.test(name) &&
        !name.startsWith(`extension/node_modules/@img/sharp-${target}/`) &&
        !name.startsWith(`extension/node_modules/@img/sharp-libvips-${target}/`)),
  );
  for (const name of foreign.slice(0, 10)) problems.push(`another platform's package: ${name}`);
  for (const [name, header] of headers) {
    const built = binaryPlatform(header);
    if (built?.os !== os || built.cpu !== cpu)
      problems.push(
        `${name} is built for ${built === undefined ? 'an unknown platform' : `${built.os}-${built.cpu ?? 'an unknown CPU'}`}, not ${target}`,
      );
  }
  const notices = readFileSync(NOTICES, 'utf8');
  const shipped = [...(await packagedPackages(dir, names)), ...bundledPackages().map((p) => `${p.name}@${p.version}`)];
  for (const pkg of new Set(shipped))
    if (!notices.includes(pkg)) problems.push(`${NOTICES} does not list ${pkg}: run node scripts/notices.mjs`);
  for (const name of names.filter((n) => /^extension\/models\/[^/]+\/manifest\.json$/.test(n))) {
    const model = JSON.parse(readFileSync(join(dir, name.slice('extension/'.length)), 'utf8')).name;
    if (!notices.includes(model)) problems.push(`${NOTICES} does not name the bundled model ${model}`);
  }
  return { problems, files: names.length, binaries: headers.size };
}

async function packageTarget(target, work) {
  const ignoreFile = ignoreFileFor(target, work);
  const dir = await stage(target, ignoreFile);
  const { version, name } = JSON.parse(readFileSync('package.json', 'utf8'));
  const packagePath = resolve(`${name}-${target}-${version}.vsix`);
  mkdirSync(dirname(join(dir, VIEW_README)), { recursive: true });
  writeFileSync(join(dir, VIEW_README), readmeForExtensionsView(readFileSync(README, 'utf8'), '.'));
  await createVSIX({
    cwd: dir,
    target,
    packagePath,
    ignoreFile,
    readmePath: VIEW_README,
    dependencies: true,
    allowMissingRepository: true,
    // No repository URL to point at: the README's images are inlined instead (scripts/vsix-readme.mjs).
    rewriteRelativeLinks: false,
  });
  const { problems, files, binaries } = await check(target, dir, packagePath);
  if (problems.length > 0) fail(`${packagePath} is wrong:\n  ${problems.join('\n  ')}`);
  console.log(
    `package: ${packagePath}, ${(statSync(packagePath).size / 1e6).toFixed(1)} MB, ${files} files, ${binaries} native binaries, all ${target}`,
  );
}

async function main() {
  const all = process.argv.includes('--all');
  const targetArg = process.argv.indexOf('--target');
  const requested = all
    ? Object.keys(TARGETS)
    : [targetArg === -1 ? `${process.platform}-${process.arch}` : process.argv[targetArg + 1]];
  const ortVersion = JSON.parse(readFileSync('node_modules/onnxruntime-node/package.json', 'utf8')).version;
  const targets = [];
  for (const target of requested) {
    if (TARGETS[target] === undefined)
      fail(`unknown target "${target}"; supported: ${Object.keys(TARGETS).join(', ')}`);
    const why = `onnxruntime-node ${ortVersion} ships no ${TARGETS[target].os}/${TARGETS[target].cpu} binaries`;
    if (hasOrtBinaries(target)) targets.push(target);
    else if (all) console.log(`package: ${target} skipped: ${why}`);
    else fail(`cannot package ${target}: ${why}`);
  }
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
  const work = mkdtempSync(join(tmpdir(), 'infimm-package-'));
  try {
    for (const target of targets) await packageTarget(target, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
