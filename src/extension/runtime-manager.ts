// Owns the runtime host client for the extension: starts it lazily, (re)configures it when the
// settings change, stops it when idle, and counts restarts so conversations know their memory is gone.
import type { RequestKind, RequestOf, ResultOf, RuntimeConfig } from '../common/protocol.ts';
import { RuntimeClient, type RequestHandlers } from '../host/client.ts';

export type ConfigureResult = ResultOf<'configure'>;
export type RuntimeState = RuntimeClient['state'] | 'loading';

export interface RuntimeStatus {
  state: RuntimeState;
  /** Known once a model is loaded. */
  model?: string;
  /** Distinct execution providers that ran the graphs, e.g. "cpu" or "cuda, cpu". */
  provider?: string;
}

/** The distinct execution providers that ran a model's graphs, e.g. "cpu" or "cuda, cpu". */
export function providerNames(providers: Record<string, string>): string {
  return [...new Set(Object.values(providers))].join(', ');
}

export class RuntimeManager {
  private client: RuntimeClient | undefined;
  private unsubscribe: (() => void) | undefined;
  private loaded: { key: string; result: ConfigureResult } | undefined;
  /** Outlives idle stops and restarts: the same configuration loads the same model again. */
  private lastLoaded: { key: string; result: ConfigureResult } | undefined;
  private loading: { key: string; promise: Promise<ConfigureResult> } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private idleMs = 0;
  private hostGeneration = 0;
  private readonly listeners = new Set<(status: RuntimeStatus) => void>();

  constructor(
    private readonly options: {
      hostScript: string;
      log: (line: string) => void;
      /** Node flags for the host; the tests run its TypeScript sources through tsx. */
      execArgv?: string[];
    },
  ) {}

  /** Changes whenever the host stops: image memories and KV caches of older conversations are gone. */
  get generation(): number {
    return this.hostGeneration;
  }

  get status(): RuntimeStatus {
    const state: RuntimeState = this.loading !== undefined ? 'loading' : (this.client?.state ?? 'stopped');
    const result = this.loaded?.result;
    if (result === undefined) return { state };
    return { state, model: result.model.name, provider: providerNames(result.providers) };
  }

  onStatus(listener: (status: RuntimeStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setIdleTimeout(ms: number): void {
    this.idleMs = ms;
    this.scheduleIdleStop();
  }

  isLoaded(config: RuntimeConfig): boolean {
    return this.loaded?.key === JSON.stringify(config) && this.client !== undefined && this.client.state !== 'stopped';
  }

  /** The model this configuration loaded last, even while the runtime is stopped; undefined before it loaded once. */
  modelFor(config: RuntimeConfig): ConfigureResult | undefined {
    return this.lastLoaded?.key === JSON.stringify(config) ? this.lastLoaded.result : undefined;
  }

  /** Loads the model unless this configuration is already loaded; concurrent callers share one load. */
  async configure(config: RuntimeConfig): Promise<ConfigureResult> {
    const key = JSON.stringify(config);
    if (this.isLoaded(config) && this.loaded !== undefined) return this.loaded.result;
    if (this.loading?.key === key) return this.loading.promise;
    const client = this.ensureClient();
    this.options.log(
      `runtime: loading model from ${config.modelDir} (provider ${config.executionProvider}, max ${config.maxTiles} tiles)`,
    );
    const promise = client.configure(config);
    this.loading = { key, promise };
    this.emit();
    try {
      const result = await promise;
      this.loaded = { key, result };
      this.lastLoaded = this.loaded;
      this.options.log(`runtime: model ${result.model.name} ready; providers ${JSON.stringify(result.providers)}`);
      return result;
    } finally {
      if (this.loading?.promise === promise) this.loading = undefined;
      this.emit();
      this.scheduleIdleStop();
    }
  }

  async request<K extends RequestKind>(
    request: RequestOf<K>,
    handlers?: RequestHandlers,
    signal?: AbortSignal,
  ): Promise<ResultOf<K>> {
    const client = this.ensureClient();
    this.inFlight++;
    clearTimeout(this.idleTimer);
    try {
      return await client.request(request, handlers, signal);
    } finally {
      this.inFlight--;
      this.scheduleIdleStop();
    }
  }

  /** Stops the host; the next request starts a fresh one. */
  async stop(reason: string): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.options.log(`runtime: stopping the host (${reason})`);
    this.client = undefined;
    this.unsubscribe?.();
    this.loaded = undefined;
    this.loading = undefined;
    clearTimeout(this.idleTimer);
    this.hostGeneration++;
    await client.dispose();
    this.emit();
  }

  async restart(): Promise<void> {
    await this.stop('restart requested');
  }

  async dispose(): Promise<void> {
    this.listeners.clear();
    await this.stop('extension deactivated');
  }

  private ensureClient(): RuntimeClient {
    if (this.client !== undefined) return this.client;
    const { hostScript, execArgv } = this.options;
    const client = new RuntimeClient({
      hostScript,
      ...(execArgv === undefined ? {} : { execArgv }),
      log: (line) => this.options.log(`host: ${line}`),
    });
    this.unsubscribe = client.onStateChange((state) => {
      // A host that stopped by itself (a crash) lost its model and memories too.
      if (state === 'stopped' && this.client === client) {
        this.hostGeneration++;
        this.loaded = undefined;
      }
      this.emit();
    });
    this.client = client;
    return client;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs <= 0 || this.client === undefined || this.inFlight > 0 || this.loading !== undefined) return;
    this.idleTimer = setTimeout(() => void this.stop(`idle for ${Math.round(this.idleMs / 1000)} s`), this.idleMs);
    this.idleTimer.unref();
  }

  private emit(): void {
    const status = this.status;
    for (const listener of this.listeners) listener(status);
  }
}
