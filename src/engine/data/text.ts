/**
 * Shared helpers for reading user text files (CSV tables, sentence-pair files): strict UTF-8
 * decoding with a precise error, BOM stripping, the empty-file check and line utilities.
 * Pure TypeScript: no vscode, no DOM, no tfjs.
 */
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { RnnLabError, type ErrorCode } from '../errors';
import { say, type Said } from '../../shared/said';
export { columnLabel, columnList, quoteValue } from '../../shared/quote';

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
export function decodeText(input: Buffer | Uint8Array | string, file: string, what: Said = say('data')): string {
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
  const nul = text.indexOf('\0');
  if (nul >= 0) throw nulError(text, nul, file);
  if (text.trim() === '') {
    throw new RnnLabError(
      'EMPTY_FILE',
      say('{0} is empty: it has no {1}.', file, what),
      say('Choose a file with data in it, or check that {0} was saved.', file),
      { file },
    );
  }
  return text;
}

/**
 * No text format RNN Lab reads has NUL characters: they come from UTF-16 files (every other byte
 * of ASCII text is 0) or binary files, and would otherwise turn cells into text silently.
 */
function nulError(text: string, at: number, file: string): RnnLabError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = [...text.slice(lineStart, at)].length + 1;
  const sample = text.slice(0, 4096);
  const nuls = sample.length - sample.replaceAll('\0', '').length;
  const why = nuls * 4 >= sample.length ? say('the file looks saved as UTF-16') : say('the file is binary or damaged there');
  return new RnnLabError(
    'NOT_UTF8',
    say('{0} has a NUL byte (0x00) at line {1}, column {2}: {3}, not UTF-8 text.', file, line, column, why),
    say('Save the file as UTF-8 text (in VS Code: "Save with Encoding" → UTF-8), or remove the NUL bytes.'),
    { file, line, column },
  );
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
  return new RnnLabError(
    'NOT_UTF8',
    LATIN1_HINT_BYTES.has(b)
      ? say("{0} is not valid UTF-8: byte {1} at line {2}, column {3} (in Latin-1/Windows-1252 that byte is '{4}', so the file was probably saved in that encoding).", file, hex, line, column, String.fromCharCode(b))
      : say('{0} is not valid UTF-8: byte {1} at line {2}, column {3}.', file, hex, line, column),
    say('Save the file as UTF-8 (in VS Code: "Save with Encoding" → UTF-8; in Excel: Save As → "CSV UTF-8") and try again.'),
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

/** Largest input file read into memory (a 1,000,000-row CSV is ~60 MB). */
export const MAX_INPUT_BYTES = 1 << 30;

/** What a path that is not a regular file is, in words, for the message. */
function kindOf(st: Stats): Said {
  if (st.isDirectory()) return say('a folder');
  if (st.isFIFO()) return say('a named pipe (FIFO)');
  if (st.isCharacterDevice()) return say('a character device');
  if (st.isBlockDevice()) return say('a block device');
  if (st.isSocket()) return say('a socket');
  return say('a special file');
}

export interface ReadInputOptions {
  /** Code of the errors about the path (missing, not a file, unreadable). Default BAD_OPTION. */
  code?: ErrorCode;
  /** The error for a path that does not exist, when the caller words it its own way. */
  missing?: RnnLabError;
}

/**
 * Reads a whole input file, with errors that name it and say what to do: missing, a folder,
 * unreadable, or larger than MAX_INPUT_BYTES (checked before reading, so a huge file fails at
 * once instead of exhausting memory). `what` names the kind of file in the hint.
 *
 * Only regular files are read (symlinks are followed): a FIFO without a writer would block for
 * ever and /dev/zero or /dev/stdin would read until memory runs out. The path is opened without
 * blocking and checked on the open handle, so what is checked is what is read, and the read stops
 * at the size the check saw even if the file grows meanwhile.
 */
export async function readInputFile(path: string, file: string, what: Said, options: ReadInputOptions = {}): Promise<Buffer> {
  const code = options.code ?? 'BAD_OPTION';
  const hint = say('Check the path to the {0}.', what);
  const cannot = (e: unknown): RnnLabError => {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' && options.missing) return options.missing;
    return new RnnLabError(
      code,
      errno === 'ENOENT' ? say('{0} does not exist.', file) : errno === 'EISDIR' ? say('{0} is a folder, not a file.', file) : say('{0} cannot be read ({1}).', file, errno ?? String(e)),
      hint,
      { file },
    );
  };
  const notRegular = (st: Stats) =>
    new RnnLabError(code, say('{0} is {1}, not a regular file: RNN Lab reads only regular files.', file, kindOf(st)), say('Save the {0} to a file and give its path.', what), { file });
  let handle: FileHandle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (e) {
    // Some special files cannot even be opened (a socket behind /dev/stdin: ENXIO): say what they are.
    const st = await stat(path).catch(() => null);
    throw st && !st.isFile() && !st.isDirectory() ? notRegular(st) : cannot(e);
  }
  try {
    let st: Stats;
    try {
      st = await handle.stat();
    } catch (e) {
      throw cannot(e);
    }
    if (!st.isFile()) throw notRegular(st);
    if (st.size > MAX_INPUT_BYTES) {
      throw new RnnLabError(
        'FILE_TOO_LARGE',
        say('{0} is {1} GiB; RNN Lab reads files of up to {2} GiB.', file, (st.size / (1 << 30)).toFixed(1), MAX_INPUT_BYTES / (1 << 30)),
        say('Use a shorter extract of the {0} (for example its last rows).', what),
        { file },
      );
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    try {
      while (got < st.size) {
        const { bytesRead } = await handle.read(bytes, got, st.size - got, got);
        if (bytesRead === 0) break; // truncated meanwhile: read what is there
        got += bytesRead;
      }
    } catch (e) {
      throw cannot(e);
    }
    return got === st.size ? bytes : bytes.subarray(0, got);
  } finally {
    await handle.close();
  }
}
