/**
 * Shared helpers for reading user text files (CSV tables, sentence-pair files): strict UTF-8
 * decoding with a precise error, BOM stripping, the empty-file check and line utilities.
 * Pure TypeScript: no vscode, no DOM, no tfjs.
 */
import { readFile, stat } from 'node:fs/promises';
import { RnnLabError } from '../errors';

/**
 * Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1 when
 * the whole buffer is valid. Follows the Unicode table of well-formed byte sequences (no
 * overlongs, no surrogates, nothing above U+10FFFF), i.e. exactly what a fatal TextDecoder rejects.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    const c1 = bytes[i + 1]; // undefined when the sequence is cut off by the end of the file
    if (c1 === undefined || c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

const LATIN1_HINT_BYTES = new Set([0xe0, 0xe1, 0xe2, 0xe4, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xee, 0xef, 0xf1, 0xf3, 0xf4, 0xf6, 0xfa, 0xfc]);

/**
 * Decodes a file's bytes as strict UTF-8 and strips a leading BOM. A string is taken as already
 * decoded (only the BOM is stripped). Throws NOT_UTF8 naming the line and column of the first bad
 * byte, and EMPTY_FILE when nothing but whitespace is left.
 */
export function decodeText(input: Buffer | Uint8Array | string, file: string, what = 'file'): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw notUtf8Error(input, file);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new RnnLabError(
      'EMPTY_FILE',
      `${file} is empty: it has no ${what === 'file' ? 'data' : what}.`,
      `Choose a file with data in it, or check that ${file} was saved.`,
      { file },
    );
  }
  return text;
}

function notUtf8Error(bytes: Uint8Array, file: string): RnnLabError {
  let at = findInvalidUtf8(bytes);
  if (at < 0) at = 0; // the decoder failed for a reason we did not spot; point at the start
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Column in characters: decode the valid prefix of the line.
  let prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at));
  if (line === 1 && prefix.charCodeAt(0) === 0xfeff) prefix = prefix.slice(1);
  const column = [...prefix].length + 1;
  const b = bytes[at] ?? 0;
  const hex = `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  const latin1 = LATIN1_HINT_BYTES.has(b) ? ` (in Latin-1/Windows-1252 that byte is '${String.fromCharCode(b)}', so the file was probably saved in that encoding)` : '';
  return new RnnLabError(
    'NOT_UTF8',
    `${file} is not valid UTF-8: byte ${hex} at line ${line}, column ${column}${latin1}.`,
    `Save the file as UTF-8 (in VS Code: "Save with Encoding" → UTF-8; in Excel: Save As → "CSV UTF-8") and try again.`,
    { file, line, column },
  );
}

/** True for an empty or whitespace-only string. */
export function isBlank(s: string): boolean {
  return s.trim() === '';
}

/**
 * Splits text into lines on \n, \r\n or \r, calling `fn(line, lineNumber)` with 1-based line
 * numbers and without the terminator. A trailing terminator does not produce an extra empty line.
 */
export function forEachLine(text: string, fn: (line: string, lineNumber: number) => void): void {
  const n = text.length;
  let start = 0;
  let lineNo = 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      fn(text.slice(start, i), lineNo++);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < n) fn(text.slice(start), lineNo);
}

/** Counts occurrences of one character code in text[from, to). */
export function countChar(text: string, code: number, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === code) k++;
  return k;
}

/** Short, printable rendering of a user value for messages: quoted, truncated. */
export function quoteValue(v: string, max = 40): string {
  const s = v.length > max ? `${v.slice(0, max - 1)}…` : v;
  return JSON.stringify(s);
}

/** Largest input file read into memory (a 1,000,000-row CSV is ~60 MB). */
export const MAX_INPUT_BYTES = 1 << 30;

/**
 * Reads a whole input file, with errors that name it and say what to do: missing, a folder,
 * unreadable, or larger than MAX_INPUT_BYTES (checked before reading, so a huge file fails at
 * once instead of exhausting memory). `what` names the kind of file in the hint.
 */
export async function readInputFile(path: string, file: string, what: string): Promise<Buffer> {
  const cannot = (e: unknown): RnnLabError => {
    const code = (e as NodeJS.ErrnoException).code;
    return new RnnLabError(
      'BAD_OPTION',
      code === 'ENOENT' ? `${file} does not exist.` : code === 'EISDIR' ? `${file} is a folder, not a file.` : `${file} cannot be read (${code ?? String(e)}).`,
      `Check the path to the ${what}.`,
      { file },
    );
  };
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw cannot(e);
  }
  if (size > MAX_INPUT_BYTES) {
    throw new RnnLabError(
      'FILE_TOO_LARGE',
      `${file} is ${(size / (1 << 30)).toFixed(1)} GiB; RNN Lab reads files of up to ${MAX_INPUT_BYTES / (1 << 30)} GiB.`,
      `Use a shorter extract of the ${what} (for example its last rows).`,
      { file },
    );
  }
  try {
    return await readFile(path);
  } catch (e) {
    throw cannot(e);
  }
}
