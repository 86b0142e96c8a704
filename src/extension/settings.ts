// Turns the `infimmHd.*` settings, as VS Code reports them per scope, into the runtime's
// configuration. Pure, so Workspace Trust and validation are testable without VS Code.
import { isAbsolute, join, resolve } from 'node:path';
import * as v from 'valibot';
import {
  MAX_TILES_LIMIT,
  type ExecutionProviderName,
  type GenerationOptions,
  type OcrContextMode,
  type RuntimeConfig,
} from '../common/protocol.ts';

/** One setting as `WorkspaceConfiguration.inspect` reports it; values are unchecked user input. */
export interface ScopedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export const SETTING_KEYS = [
  'modelPath',
  'executionProvider',
  'maxTiles',
  'maxNewTokens',
  'temperature',
  'ocr.enabled',
  'ocrContext',
  'idleTimeoutSeconds',
  'threads',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type SettingsSnapshot = Partial<Record<SettingKey, ScopedValue>>;

export interface SettingsContext {
  /** `vscode.workspace.isTrusted`. */
  trusted: boolean;
  extensionPath: string;
  /** The first workspace folder on disk, for relative model paths in workspace settings. */
  workspaceFolder?: string;
  homeDir: string;
}

export interface ResolvedSettings {
  runtime: RuntimeConfig;
  generation: GenerationOptions;
  ocrEnabled: boolean;
  /** 0 keeps the runtime running. */
  idleTimeoutMs: number;
  /** Where the model folder came from, for the status bar and the log. */
  modelSource: 'bundled' | 'user settings' | 'workspace settings';
  /** Plain-words notes on ignored or corrected values, shown to the user once. */
  notes: string[];
}

const EXECUTION_PROVIDERS = [
  'auto',
  'cpu',
  'webgpu',
  'cuda',
  'dml',
  'coreml',
] as const satisfies readonly ExecutionProviderName[];
const OCR_CONTEXT_MODES = ['auto', 'on', 'off'] as const satisfies readonly OcrContextMode[];

/** Decoded pixels an image may have; larger images are refused by the runtime with a clear message. */
export const MAX_PIXELS = 50_000_000;

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

// Each entry: the schema a value must pass, its default, and how to say what is allowed.
const RULES = {
  executionProvider: {
    schema: v.picklist(EXECUTION_PROVIDERS),
    fallback: 'auto',
    allowed: `one of ${EXECUTION_PROVIDERS.join(', ')}`,
  },
  maxTiles: { schema: int(1, MAX_TILES_LIMIT), fallback: 16, allowed: `a whole number from 1 to ${MAX_TILES_LIMIT}` },
  maxNewTokens: { schema: int(1, 4096), fallback: 256, allowed: 'a whole number from 1 to 4096' },
  temperature: {
    schema: v.pipe(v.number(), v.minValue(0), v.maxValue(2)),
    fallback: 0,
    allowed: 'a number from 0 to 2',
  },
  'ocr.enabled': { schema: v.boolean(), fallback: true, allowed: 'true or false' },
  ocrContext: {
    schema: v.picklist(OCR_CONTEXT_MODES),
    fallback: 'auto',
    allowed: `one of ${OCR_CONTEXT_MODES.join(', ')}`,
  },
  idleTimeoutSeconds: { schema: int(0, 86_400), fallback: 300, allowed: 'a whole number of seconds from 0 to 86400' },
  threads: { schema: int(0, 256), fallback: 0, allowed: 'a whole number from 0 (automatic) to 256' },
} as const;

type RuleKey = keyof typeof RULES;
type RuleValue<K extends RuleKey> = v.InferOutput<(typeof RULES)[K]['schema']>;

/** The most specific scope that set a value, as VS Code itself resolves it. */
function effective(value: ScopedValue | undefined): unknown {
  return value?.workspaceFolderValue ?? value?.workspaceValue ?? value?.globalValue;
}

function checked<K extends RuleKey>(snapshot: SettingsSnapshot, key: K, notes: string[]): RuleValue<K> {
  const rule = RULES[key];
  const raw = effective(snapshot[key]);
  if (raw === undefined) return rule.fallback as RuleValue<K>;
  const result = v.safeParse(rule.schema, raw);
  if (result.success) return result.output as RuleValue<K>;
  notes.push(
    `infimmHd.${key} is ${JSON.stringify(raw)}, but it must be ${rule.allowed}; using ${JSON.stringify(rule.fallback)}.`,
  );
  return rule.fallback as RuleValue<K>;
}

function expandPath(path: string, base: string | undefined, homeDir: string): string | undefined {
  if (path === '~' || path.startsWith('~/')) return join(homeDir, path.slice(1));
  if (isAbsolute(path)) return path;
  return base === undefined ? undefined : resolve(base, path);
}

function resolveModelDir(
  value: ScopedValue | undefined,
  context: SettingsContext,
  notes: string[],
): { modelDir: string; modelSource: ResolvedSettings['modelSource'] } {
  const bundled = { modelDir: join(context.extensionPath, 'models', 'default'), modelSource: 'bundled' as const };
  const fromWorkspace = value?.workspaceFolderValue ?? value?.workspaceValue;
  const workspacePath =
    typeof fromWorkspace === 'string' && fromWorkspace.trim() !== '' ? fromWorkspace.trim() : undefined;
  const userPath =
    typeof value?.globalValue === 'string' && value.globalValue.trim() !== '' ? value.globalValue.trim() : undefined;

  if (workspacePath !== undefined && !context.trusted) {
    // A model folder runs code-like content (graphs, tokenizer) from disk: an untrusted workspace may not choose it.
    notes.push(
      `This workspace is not trusted, so its infimmHd.modelPath setting ("${workspacePath}") is ignored and the model ` +
        `comes from ${userPath === undefined ? 'the bundled package' : 'your user settings'}. Trust the workspace to use its model folder.`,
    );
  }
  const chosen =
    workspacePath !== undefined && context.trusted
      ? { path: workspacePath, source: 'workspace settings' as const, base: context.workspaceFolder }
      : userPath !== undefined
        ? { path: userPath, source: 'user settings' as const, base: undefined }
        : undefined;
  if (chosen === undefined) return bundled;
  const modelDir = expandPath(chosen.path, chosen.base, context.homeDir);
  if (modelDir === undefined) {
    notes.push(
      `infimmHd.modelPath "${chosen.path}" in ${chosen.source} is not an absolute path; using the bundled model. Set a full path, for example with "InfiMM-HD: Select Model Folder".`,
    );
    return bundled;
  }
  return { modelDir, modelSource: chosen.source };
}

export function resolveSettings(snapshot: SettingsSnapshot, context: SettingsContext): ResolvedSettings {
  const notes: string[] = [];
  const { modelDir, modelSource } = resolveModelDir(snapshot.modelPath, context, notes);
  const runtime: RuntimeConfig = {
    modelDir,
    executionProvider: checked(snapshot, 'executionProvider', notes),
    maxTiles: checked(snapshot, 'maxTiles', notes),
    maxPixels: MAX_PIXELS,
    threads: checked(snapshot, 'threads', notes),
    ocrContext: checked(snapshot, 'ocrContext', notes),
  };
  return {
    runtime,
    generation: {
      maxNewTokens: checked(snapshot, 'maxNewTokens', notes),
      temperature: checked(snapshot, 'temperature', notes),
    },
    ocrEnabled: checked(snapshot, 'ocr.enabled', notes),
    idleTimeoutMs: checked(snapshot, 'idleTimeoutSeconds', notes) * 1000,
    modelSource,
    notes,
  };
}
