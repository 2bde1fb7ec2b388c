/**
 * Model weights in the safetensors format (https://huggingface.co/docs/safetensors), the one
 * PyTorch users load with `safetensors.torch.load_file`. Our tensor names are PyTorch's
 * `state_dict` names, so a saved RNN Lab model loads into the course's modules as it is.
 *
 * The format: an unsigned 64-bit little-endian header length N, then N bytes of UTF-8 JSON
 * mapping each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets into the byte
 * buffer that follows the header; an optional "__metadata__" maps strings to strings), then the
 * buffer, little-endian, row-major. We pad the header with spaces to a multiple of 8 bytes, as the
 * reference implementation does, so every tensor starts aligned.
 *
 * No maintained JavaScript package implements it (the npm `safetensors` is a 0.0.1 placeholder),
 * and the format is these few lines; reading checks everything the specification requires.
 */
import { RnnLabError } from './errors';

export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

/** Bytes per element of the dtypes we read; we write F32 only. */
const READABLE: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
/** A header larger than this is not a model we wrote (the reference limit is 100 MB). */
const MAX_HEADER = 100_000_000;

/** Encode named float32 tensors (in the given order) with optional string metadata. */
export function encodeSafetensors(tensors: Record<string, Float32Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error('"__metadata__" is not a tensor name');
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`${name}: shape [${t.shape}] holds ${size} values, got ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/**
 * Decode a safetensors file into float32 tensors (F64, F16 and BF16 are converted). `file` names
 * it in errors, which are BAD_MODEL with what is wrong and where.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): { tensors: Record<string, Float32Tensor>; metadata: Record<string, string> } {
  const bad = (what: string) => new RnnLabError('BAD_MODEL', `${file} is not a valid safetensors file: ${what}.`, 'Save the model again.', { file });
  if (bytes.length < 8) throw bad(`it has ${bytes.length} bytes, fewer than the 8 of its header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) throw bad(`its header length (${n64} bytes) runs past the end of the file (${bytes.length} bytes)`);
  const n = Number(n64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw bad('its header is not UTF-8 JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw bad('its header is not a JSON object');
  const buffer = bytes.subarray(8 + n);
  const tensors: Record<string, Float32Tensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!entry || typeof entry !== 'object' || Object.values(entry).some((v) => typeof v !== 'string')) throw bad('__metadata__ is not a map of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const width = typeof e?.dtype === 'string' ? READABLE[e.dtype] : undefined;
    if (!width) throw bad(`tensor ${name} has dtype ${JSON.stringify(e?.dtype)}; RNN Lab reads F32, F64, F16 and BF16`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`tensor ${name} has no valid shape`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1] || off[1] > buffer.length) {
      throw bad(`tensor ${name} has data offsets ${JSON.stringify(off)} outside the ${buffer.length}-byte buffer`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (off[1] - off[0] !== size * width) throw bad(`tensor ${name} of shape [${shape}] needs ${size * width} bytes, its offsets give ${off[1] - off[0]}`);
    spans.push([off[0], off[1], name]);
    tensors[name] = { shape: shape as number[], data: readFloats(view, 8 + n + off[0], size, e.dtype as string) };
  }
  // The specification: the tensors cover the buffer exactly, without holes or overlaps.
  spans.sort((a, b) => a[0] - b[0]);
  let end = 0;
  for (const [b, e, name] of spans) {
    if (b !== end) throw bad(`tensor ${name} starts at byte ${b}, not where the previous one ends (${end})`);
    end = e;
  }
  if (end !== buffer.length) throw bad(`the tensors end at byte ${end} of a ${buffer.length}-byte buffer`);
  return { tensors, metadata };
}

function readFloats(view: DataView, at: number, size: number, dtype: string): Float32Array {
  const out = new Float32Array(size);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < size; i++) out[i] = view.getFloat32(at + 4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < size; i++) out[i] = view.getFloat64(at + 8 * i, true);
      break;
    case 'BF16': {
      // bfloat16 is the upper half of a float32.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < size; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
      break;
    }
    case 'F16':
      for (let i = 0; i < size; i++) out[i] = half(view.getUint16(at + 2 * i, true));
      break;
  }
  return out;
}

/** IEEE 754 binary16 → number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
