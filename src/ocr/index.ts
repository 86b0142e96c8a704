// The OCR stage's public face.
export { OcrEngine, type OcrEngineOptions, type RecognizeOptions } from './engine.ts';
export { OcrError, type OcrErrorCode } from './errors.ts';
export { defaultModelFiles, type OcrModelFiles } from './models.ts';
export type { LayoutMode } from './assemble.ts';
