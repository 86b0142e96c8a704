// A code-server (the real VS Code workbench and a Node extension host) running in its own
// process group, with fresh user-data, extensions and home folders, so a run inherits nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Installed by scripts/e2e-setup.mjs. */
export const CODE_SERVER_BIN = join('.cache', 'code-server', 'node_modules', '.bin', 'code-server');

/** Settings that keep the workbench quiet and deterministic: no welcome page, no network, no trust prompt. */
const BASE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
};

export interface CodeServer {
  readonly origin: string;
  /** The session id of the server's process group: every process it started carries it. */
  readonly sessionId: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

async function waitForHealth(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs} ms`);
}

/** Kills the whole process group: the server, its extension host and everything the extension forked. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export async function startCodeServer(options: {
  /** Folder for user data, extensions, home and the server log. */
  stateDir: string;
  settings: Record<string, unknown>;
  /** Variables for the extension host (it inherits the server's environment). */
  env?: Record<string, string>;
}): Promise<CodeServer> {
  const { stateDir } = options;
  const userDataDir = join(stateDir, 'user-data');
  const home = join(stateDir, 'home');
  const tmp = join(stateDir, 'tmp');
  for (const dir of [join(userDataDir, 'User'), join(stateDir, 'extensions'), home, tmp])
    mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...options.settings }, null, 2),
  );

  if (!existsSync(CODE_SERVER_BIN)) throw new Error('code-server is not installed: run node scripts/e2e-setup.mjs');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const log = createWriteStream(join(stateDir, 'server.log'));
  // detached = setsid: the server and every process below it share one group that stop() kills at once.
  const child = spawn(
    CODE_SERVER_BIN,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      join(stateDir, 'extensions'),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...options.env,
        // Contain what code-server, its extensions and npm scripts write into the home folder.
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        TMPDIR: tmp,
      },
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  // Last resort when the test process ends without stop() (a crash or a global timeout).
  const killOnExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(pid, 'SIGTERM');
      if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false)
        killGroup(pid, 'SIGKILL');
    }
    // The extension host and runtime host may outlive the server by a moment; they share its group.
    killGroup(pid, 'SIGKILL');
    log.end();
  };
  try {
    await waitForHealth(origin, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, sessionId: pid, stop };
}
