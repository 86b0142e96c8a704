// Runs the chosen screenshot tool in a child process and reads the file it writes.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import which from 'which';
import { CAPTURE_PROGRAMS, planCapture, type CaptureMode } from './capture-tools.ts';

export type CaptureOutcome =
  | { kind: 'captured'; bytes: Uint8Array; tool: string }
  /** No image came back: the user cancelled, or the tool gave up; `detail` says what it printed. */
  | { kind: 'none'; tool: string; detail?: string }
  | { kind: 'unavailable'; message: string };

/** A person selecting a region takes a while; a tool still running after this has hung. */
const CAPTURE_TIMEOUT_MS = 180_000;

async function availablePrograms(): Promise<Set<string>> {
  const found = await Promise.all(
    CAPTURE_PROGRAMS.map(async (p) => ((await which(p, { nothrow: true })) === null ? undefined : p)),
  );
  return new Set(found.filter((p) => p !== undefined));
}

function run(
  program: string,
  args: string[],
  env: Record<string, string> | undefined,
  signal: AbortSignal,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { env: { ...process.env, ...env }, signal, timeout: CAPTURE_TIMEOUT_MS, windowsHide: true },
      (error, _stdout, stderr) => {
        if (error !== null && (error.name === 'AbortError' || typeof error.code === 'string')) return reject(error);
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr: String(stderr) });
      },
    );
  });
}

export async function captureScreenshot(
  mode: CaptureMode,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<CaptureOutcome> {
  const programs = await availablePrograms();
  const dir = await mkdtemp(join(tmpdir(), 'infimm-capture-'));
  try {
    const outFile = join(dir, 'screenshot.png');
    const choice = planCapture(
      {
        platform: process.platform,
        has: (p) => programs.has(p),
        wayland: Boolean(process.env.WAYLAND_DISPLAY),
        desktop: process.env.XDG_CURRENT_DESKTOP ?? '',
      },
      mode,
      outFile,
    );
    if (!choice.ok) return { kind: 'unavailable', message: choice.message };
    const { plan } = choice;
    log(`capture: running ${plan.tool} (${plan.program})`);
    const { code, stderr } = await run(plan.program, plan.args, plan.env, signal);
    const bytes = await readFile(outFile).catch(() => undefined);
    log(
      `capture: ${plan.tool} exited with ${code}${bytes === undefined ? ', no image written' : `, ${bytes.byteLength} bytes`}`,
    );
    if (bytes === undefined || bytes.byteLength === 0) {
      const detail = stderr.trim().split('\n')[0];
      return detail ? { kind: 'none', tool: plan.tool, detail } : { kind: 'none', tool: plan.tool };
    }
    return { kind: 'captured', bytes: new Uint8Array(bytes), tool: plan.tool };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
