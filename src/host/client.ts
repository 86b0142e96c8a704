// The caller's side of the runtime host: forks it lazily, sends typed requests, routes streamed events back,
// and survives the host: when it dies, every request in flight gets a clear 'host-crashed' error and the next
// request starts a fresh host (configured as before). A cancel that the host does not honour in time kills it.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CancelledError } from '../common/errors.ts';
import {
  isResultOf,
  type DoneResult,
  type HostEvent,
  type Request,
  type RequestKind,
  type RequestOf,
  type ResultOf,
  type RuntimeConfig,
  type RuntimeErrorInfo,
} from '../common/protocol.ts';

export type RuntimeState = 'stopped' | 'starting' | 'ready' | 'busy';

export class RuntimeRequestError extends Error {
  constructor(readonly info: RuntimeErrorInfo) {
    super(info.message);
    this.name = 'RuntimeRequestError';
  }
}

export interface RuntimeClientOptions {
  /** Absolute path of the host entry (dist/runtime-host.cjs, or src/host/main.ts with execArgv for tsx). */
  hostScript: string;
  execArgv?: string[];
  log: (line: string) => void;
  /** How long a cancelled request may keep running before the host is killed (a native run can be long). */
  cancelGraceMs?: number;
}

/** What a request streams before its result. */
export interface RequestHandlers {
  onText?: (text: string) => void;
  onProgress?: (stage: string, fraction?: number) => void;
}

interface Pending extends RequestHandlers {
  resolve: (result: DoneResult) => void;
  reject: (error: Error) => void;
}

export class RuntimeClient {
  private child?: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(state: RuntimeState) => void>();
  private config?: RuntimeConfig;
  private configured?: Promise<ResultOf<'configure'>>;
  private current: RuntimeState = 'stopped';

  constructor(private readonly options: RuntimeClientOptions) {}

  get state(): RuntimeState {
    return this.current;
  }

  onStateChange(listener: (state: RuntimeState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(state: RuntimeState): void {
    if (state === this.current) return;
    this.current = state;
    for (const l of this.listeners) l(state);
  }

  /** Loads (or switches) the model; later requests wait for it. */
  configure(config: RuntimeConfig): Promise<ResultOf<'configure'>> {
    this.config = config;
    this.configured = this.send({ kind: 'configure', config });
    this.configured.catch(() => undefined);
    return this.configured;
  }

  /** Sends a request once the model is loaded; resolves with its result, rejects with a CancelledError or a RuntimeRequestError. */
  async request<K extends RequestKind>(
    request: RequestOf<K>,
    handlers: RequestHandlers = {},
    signal?: AbortSignal,
  ): Promise<ResultOf<K>> {
    if (signal?.aborted) throw new CancelledError();
    if (!this.child && this.config) this.configure(this.config); // a fresh host after a crash or an idle stop
    if (this.configured) await this.configured;
    return this.send(request, handlers, signal);
  }

  private send<K extends RequestKind>(
    request: RequestOf<K>,
    handlers: RequestHandlers = {},
    signal?: AbortSignal,
  ): Promise<ResultOf<K>> {
    const child = this.ensureChild();
    const id = randomUUID();
    return new Promise<ResultOf<K>>((resolve, reject) => {
      const onAbort = () => {
        child.send({ id: randomUUID(), kind: 'cancel', target: id } satisfies Request);
        const grace = setTimeout(() => {
          if (!this.pending.has(id)) return;
          this.options.log(
            `the runtime host did not stop within ${this.options.cancelGraceMs ?? 5000} ms of a cancel: restarting it`,
          );
          this.kill();
        }, this.options.cancelGraceMs ?? 5000);
        grace.unref();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (this.pending.size === 0 && this.child === child) this.setState('ready');
      };
      // Events already on their way when the caller cancelled are dropped: nothing reaches the caller after its cancel.
      const live =
        <A extends unknown[]>(handler?: (...args: A) => void) =>
        (...args: A) =>
          signal?.aborted ? undefined : handler?.(...args);
      this.pending.set(id, {
        onText: live(handlers.onText),
        onProgress: live(handlers.onProgress),
        resolve: (result) => {
          settle();
          if (isResultOf(request.kind, result)) resolve(result);
          else
            reject(
              new RuntimeRequestError({
                code: 'internal',
                message: `The runtime answered a request of kind ${request.kind} with a result of kind ${result.kind}.`,
              }),
            );
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.setState('busy');
      child.send({ ...request, id });
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    this.setState('starting');
    const child = fork(this.options.hostScript, [], {
      execArgv: this.options.execArgv ?? [],
      serialization: 'advanced', // image bytes travel as Uint8Array, not as JSON arrays
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const forward = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) if (line.trim()) this.options.log(`host: ${line}`);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    child.on('message', (event: HostEvent) => this.dispatch(event));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.configured = undefined;
      this.setState('stopped');
      const failed = [...this.pending.values()];
      this.pending.clear();
      if (failed.length > 0)
        this.options.log(
          `the runtime host stopped (${signal ?? `exit code ${code}`}) with ${failed.length} request(s) in flight`,
        );
      const info: RuntimeErrorInfo = {
        code: 'host-crashed',
        message: `The runtime process stopped unexpectedly (${signal ?? `exit code ${code}`}).`,
        hint: 'Ask again: a fresh runtime starts by itself. If it keeps happening, Show Logs has the details.',
      };
      for (const p of failed) p.reject(new RuntimeRequestError(info));
    });
    child.on('error', (error) => this.options.log(`runtime host: ${error.message}`));
    return child;
  }

  private dispatch(event: HostEvent): void {
    if (event.kind === 'log') return this.options.log(event.line);
    const pending = this.pending.get(event.id);
    if (!pending) return;
    switch (event.kind) {
      case 'text':
        return pending.onText?.(event.text);
      case 'progress':
        return pending.onProgress?.(event.stage, event.fraction);
      case 'done':
        return pending.resolve(event.result);
      case 'error':
        return pending.reject(new RuntimeRequestError(event.error));
      case 'cancelled':
        return pending.reject(new CancelledError());
    }
  }

  private kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** Stops and restarts the host; requests in flight fail with 'host-crashed'. */
  async restart(): Promise<void> {
    await this.dispose();
    if (this.config) await this.configure(this.config);
  }

  /** Stops the host: it exits when its channel closes; it is killed if it has not within 3 s. */
  async dispose(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** The host's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}
