// UTF-8 decoding with SentencePiece's rules: an invalid byte becomes one U+FFFD and decoding resumes at the next
// byte. Written by hand because TextDecoder replaces whole maximal subparts (one U+FFFD for "E4 B8 41"'s first
// two bytes), which would make our decode differ from SentencePiece's.

export const REPLACEMENT = '\uFFFD';

const isTrail = (byte: number): boolean => (byte & 0xc0) === 0x80;
const isValidCodePoint = (cp: number): boolean => cp < 0xd800 || (cp >= 0xe000 && cp <= 0x10ffff);

/** Bytes of the sequence that `lead` starts, or 1 when it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/**
 * Decodes one character at `start`: the code point and its length, or `undefined` when the bytes there are not
 * valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
 */
export function decodeChar(
  bytes: ArrayLike<number>,
  start: number,
  end: number,
): { codePoint: number; length: number } | undefined {
  const lead = bytes[start]!;
  const length = sequenceLength(lead);
  if (length === 1) return lead < 0x80 ? { codePoint: lead, length } : undefined;
  if (end - start < length) return undefined;
  let codePoint = lead & (0x7f >> length);
  for (let i = 1; i < length; i++) {
    const byte = bytes[start + i]!;
    if (!isTrail(byte)) return undefined;
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  const minimum = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
  return codePoint >= minimum && isValidCodePoint(codePoint) ? { codePoint, length } : undefined;
}

/** True when the bytes from `start` are a proper prefix of a sequence that more bytes could still complete. */
export function isIncomplete(bytes: ArrayLike<number>, start: number, end: number): boolean {
  const length = sequenceLength(bytes[start]!);
  if (length === 1 || end - start >= length) return false;
  for (let i = start + 1; i < end; i++) if (!isTrail(bytes[i]!)) return false;
  return true;
}
