// Creates ONNX Runtime sessions on the best execution provider that works, one attempt per provider, since a
// session asked for ['webgpu', 'cpu'] fails outright instead of falling back. Every failed attempt is logged.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExecutionProviderName } from '../common/protocol.ts';
import { ort } from './ort.ts';

export interface SessionSettings {
  executionProvider: ExecutionProviderName;
  /** Intra-op threads; 0 lets ONNX Runtime use one per physical core. */
  threads: number;
  log: (line: string) => void;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string;
}

/** The providers `auto` tries, in order, on this platform. */
export function autoProviders(platform: NodeJS.Platform = process.platform, arch: string = process.arch): Exclude<ExecutionProviderName, 'auto'>[] {
  const order: Exclude<ExecutionProviderName, 'auto'>[] = [];
  if (cudaLibrariesPresent()) order.push('cuda');
  if (platform === 'win32') order.push('dml');
  // The linux-arm64 and darwin-x64 builds of onnxruntime-node carry no WebGPU provider.
  if (platform === 'win32' || (platform === 'linux' && arch === 'x64') || (platform === 'darwin' && arch === 'arm64')) order.push('webgpu');
  if (platform === 'darwin') order.push('coreml');
  order.push('cpu');
  return order;
}

/** The CUDA provider is a separate download that onnxruntime-node's installer puts beside the binding. */
function cudaLibrariesPresent(): boolean {
  const binding = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  return existsSync(join(binding, '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
}

// WebGPU sessions created at the same moment crash the process: create every session one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function openSession(path: string, settings: SessionSettings): Promise<OpenedSession> {
  const attempt = queue.then(() => openNow(path, settings));
  queue = attempt.catch(() => undefined);
  return attempt;
}

async function openNow(path: string, settings: SessionSettings): Promise<OpenedSession> {
  const providers = settings.executionProvider === 'auto' ? autoProviders() : [settings.executionProvider];
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: settings.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // Nodes a GPU provider cannot run would silently go to the CPU: refuse, and try the next provider.
        extra: provider === 'cpu' ? {} : { session: { disable_cpu_ep_fallback: '1' } },
      });
      return { session, provider };
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      failures.push(`${provider}: ${reason}`);
      settings.log(`execution provider ${provider} unavailable for ${path.split(/[\\/]/).pop()}: ${reason}`);
    }
  }
  throw new Error(`no execution provider could run ${path}: ${failures.join('; ')}`);
}
