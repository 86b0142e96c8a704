// Creates ONNX Runtime sessions on the best execution provider that works, one attempt per provider, since a
// session asked for ['webgpu', 'cpu'] fails outright instead of falling back. Under 'auto' a provider that
// cannot run a graph is reported once in the log and the next one is tried; a provider the user chose is
// never replaced behind their back: its failure is an error that names the provider and the reason.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { RuntimeFailure } from '../common/errors.ts';
import type { ExecutionProviderName } from '../common/protocol.ts';
import type { ModelOptions, ModelSession, ProviderName } from './model-session.ts';
import { openModel } from './ort.ts';

/** A model opened as it is, on exactly the providers given (the OCR stage's CPU sessions, tests, benchmarks). */
export { openModel };

export interface SessionSettings {
  executionProvider: ExecutionProviderName;
  /** Intra-op threads; 0 lets ONNX Runtime use one per physical core. */
  threads: number;
  log: (line: string) => void;
}

export interface OpenedSession {
  session: ModelSession;
  provider: ProviderName;
}

/** The provider the user chose cannot run a graph. */
export class ProviderUnavailableError extends RuntimeFailure<'provider-unavailable'> {
  constructor(message: string) {
    super(
      'provider-unavailable',
      message,
      'Set infimmHd.executionProvider to "auto" to fall back to the CPU, or to "cpu".',
    );
  }
}

/** The machine facts `auto` decides on; read from the running system unless a test gives its own. */
export interface Platform {
  os: NodeJS.Platform;
  arch: string;
  cudaLibraries: boolean;
  /** Whether a GPU is known to be present; undefined when the system does not say. */
  gpu: boolean | undefined;
}

export function currentPlatform(): Platform {
  return {
    os: process.platform,
    arch: process.arch,
    cudaLibraries: cudaLibrariesPresent(),
    gpu: process.platform === 'linux' ? linuxGpuPresent() : undefined,
  };
}

/** The providers `auto` tries, in order, on this platform. */
export function autoProviders(platform: Platform = currentPlatform()): ProviderName[] {
  const { os, arch } = platform;
  const order: ProviderName[] = [];
  if (platform.cudaLibraries) order.push('cuda');
  if (os === 'win32') order.push('dml');
  // The linux-arm64 and darwin-x64 builds of onnxruntime-node carry no WebGPU provider. Without a GPU, Dawn
  // would pick a software Vulkan driver (Mesa's lavapipe) if one is installed, which is slower than the CPU provider.
  const webgpuBuilt = os === 'win32' || (os === 'linux' && arch === 'x64') || (os === 'darwin' && arch === 'arm64');
  if (webgpuBuilt && platform.gpu !== false) order.push('webgpu');
  if (os === 'darwin') order.push('coreml');
  order.push('cpu');
  return order;
}

/** The CUDA provider is a separate download that onnxruntime-node's installer puts beside the binding. */
function cudaLibrariesPresent(): boolean {
  const binding = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  return existsSync(
    join(binding, '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'),
  );
}

/** A PCI display controller (class 0x03xxxx): a GPU, passed through to a VM too. Undefined without sysfs. */
function linuxGpuPresent(): boolean | undefined {
  const root = '/sys/bus/pci/devices';
  if (!existsSync(root)) return undefined;
  return readdirSync(root).some((device) => {
    try {
      return readFileSync(join(root, device, 'class'), 'utf8').startsWith('0x03');
    } catch {
      return false;
    }
  });
}

/** Session options for one provider: the same graph optimisations everywhere, so providers differ only in kernels. */
export function sessionOptions(provider: ProviderName, threads: number): ModelOptions {
  return {
    providers: [provider],
    intraOpThreads: threads,
    interOpThreads: 1,
    // Nodes a GPU provider cannot run would silently go to the CPU, copying tensors back and forth: refuse.
    config: provider === 'cpu' ? {} : { disable_cpu_ep_fallback: '1' },
  };
}

/** ONNX Runtime's first message line without its source location and failed condition. */
export function failureReason(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  if (/fallback to CPU EP has been explicitly disabled/.test(line))
    return 'some of its operators have no kernel on this provider';
  return line.replace(/^\S+\.(?:cc|h|cpp):\d+ .*? was false\. /, '');
}

// WebGPU sessions created at the same moment crash the process: create every session one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function openSession(
  path: string,
  settings: SessionSettings,
  platform: Platform = currentPlatform(),
): Promise<OpenedSession> {
  const attempt = queue.then(() => openNow(path, settings, platform));
  queue = attempt.catch(() => undefined);
  return attempt;
}

async function openNow(path: string, settings: SessionSettings, platform: Platform): Promise<OpenedSession> {
  const graph = basename(path);
  if (settings.executionProvider !== 'auto') {
    const provider = settings.executionProvider;
    try {
      return { session: await openModel(path, sessionOptions(provider, settings.threads)), provider };
    } catch (error) {
      throw new ProviderUnavailableError(
        `The ${provider} execution provider cannot run ${graph}: ${failureReason(error)}.`,
      );
    }
  }
  const providers = autoProviders(platform);
  if (platform.gpu === false)
    tell(settings, 'no GPU found on this machine (no PCI display controller): the model runs on the CPU');
  const failures: string[] = [];
  for (const [n, provider] of providers.entries()) {
    try {
      return { session: await openModel(path, sessionOptions(provider, settings.threads)), provider };
    } catch (error) {
      const reason = failureReason(error);
      failures.push(`${provider}: ${reason}`);
      tell(
        settings,
        `${provider} cannot run ${graph} (${reason}): using ${providers[n + 1] ?? 'nothing'} instead`,
        `${provider}: ${reason}`,
      );
    }
  }
  throw new Error(`no execution provider could run ${graph}: ${failures.join('; ')}`);
}

// A model's graphs share one settings object: a reason that holds for all of them is logged once per load.
const told = new WeakMap<SessionSettings, Set<string>>();

function tell(settings: SessionSettings, line: string, key = line): void {
  const seen = told.get(settings) ?? new Set<string>();
  told.set(settings, seen);
  if (seen.has(key)) return;
  seen.add(key);
  settings.log(line);
}
