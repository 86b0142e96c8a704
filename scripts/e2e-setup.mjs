// Installs code-server (a real VS Code workbench served to a browser) for the end-to-end tests
// into .cache/code-server, outside the project's node_modules so the package lock stays lean.
// Idempotent: does nothing when the pinned version is already installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// 4.100.3 (VS Code 1.100.3) is the newest code-server whose engines.node accepts Node 20.
const VERSION = '4.100.3';
// code-server's @vscode/ripgrep postinstall downloads rg from GitHub unless this tarball already
// sits in its cache folder (os.tmpdir()/vscode-ripgrep-cache-<pkg version>); we seed it with the
// system rg. Names come from lib/vscode/npm-shrinkwrap.json and @vscode/ripgrep's lib/postinstall.js.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const installDir = join(root, '.cache', 'code-server');
const bin = join(installDir, 'node_modules', '.bin', 'code-server');

function installedVersion() {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  // A first run prints a log line (it wrote a default config) before "<version> <commit> with Code …".
  return result.status === 0 ? /^(\S+) [0-9a-f]{40} with Code/m.exec(result.stdout)?.[1] : undefined;
}

function which(program) {
  const result = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${program} not found; install it (Debian package ripgrep)`);
  return result.stdout.trim();
}

/** npm's nodedir for node-gyp: the running Node's own headers, so nothing is fetched from nodejs.org. */
function nodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

if (installedVersion() === VERSION) {
  console.log(`code-server ${VERSION} already installed in .cache/code-server`);
  process.exit(0);
}

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'e2e-setup-'));
try {
  const rgCache = join(scratch, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const rgPack = join(scratch, 'rg');
  mkdirSync(rgCache);
  mkdirSync(rgPack);
  execFileSync('cp', [which('rg'), join(rgPack, 'rg')]);
  execFileSync('tar', ['czf', join(rgCache, RIPGREP_TARBALL), '-C', rgPack, 'rg']);

  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(join(installDir, 'package.json'), JSON.stringify({ private: true }, null, 2) + '\n');

  const env = {
    ...process.env,
    TMPDIR: scratch,
    // code-server's postinstall refuses to run as root without it (npm 11 only knows it as an env var).
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, which must not stop to ask.
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const headers = nodeDir();
  if (headers) env.npm_config_nodedir = headers;
  const npm = spawnSync('npm', ['install', '--save-exact', '--foreground-scripts', `code-server@${VERSION}`], {
    cwd: installDir,
    env,
    stdio: 'inherit',
  });
  if (npm.status !== 0) throw new Error(`npm install code-server@${VERSION} failed (exit ${npm.status})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const version = installedVersion();
if (version !== VERSION) throw new Error(`code-server --version says ${version ?? 'nothing'}, expected ${VERSION}`);
const { version: codeVersion } = JSON.parse(
  readFileSync(join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json'), 'utf8'),
);
console.log(
  `code-server ${VERSION} (VS Code ${codeVersion}) installed in ${Math.round((Date.now() - started) / 1000)} s`,
);
