// The safetensors weights file against the specification, byte by byte on hand-built cases:
// the 8-byte little-endian header length, the JSON header padded to 8 bytes, F32 little-endian
// data in order; reading F64, F16 and BF16; and every malformed file rejected with BAD_MODEL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import { RnnLabError } from '../../src/engine/errors';

/** A file from a header object and raw buffer bytes, as another writer would make it. */
function file(header: unknown, buffer: number[], pad = true): Uint8Array {
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (pad && json.length % 8) json = Buffer.concat([json, Buffer.alloc(8 - (json.length % 8), 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([len, json, Buffer.from(buffer)]));
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeSafetensors(bytes, 'm/model.safetensors'),
    (e: unknown) => e instanceof RnnLabError && e.code === 'BAD_MODEL' && /^m\/model\.safetensors is not a valid safetensors file: /.test(e.message) && pattern.test(e.message),
  );
}

describe('safetensors', () => {
  test('encodes to the bytes the specification gives', () => {
    const bytes = encodeSafetensors({ a: { shape: [2], data: Float32Array.of(1, -2) }, 'b.w': { shape: [1, 1], data: Float32Array.of(0.5) } });
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b.w":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    assert.equal(padded.length % 8, 0);
    const expected = [
      ...[padded.length, 0, 0, 0, 0, 0, 0, 0],
      ...Buffer.from(padded, 'utf8'),
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0f
      ...[0x00, 0x00, 0x00, 0x3f], // 0.5f
    ];
    assert.deepEqual(Array.from(bytes), expected);
  });

  test('round trip keeps names, order, shapes, exact float32 values and metadata', () => {
    const w = Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i) * 1e-3 + i));
    const tensors = { 'lstm.weight_ih_l0': { shape: [4, 3], data: w }, 'fc.bias': { shape: [1], data: Float32Array.of(Math.fround(0.1)) }, empty: { shape: [0, 5], data: new Float32Array(0) } };
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt' }), 'x');
    assert.deepEqual(Object.keys(back), Object.keys(tensors));
    assert.deepEqual(back['lstm.weight_ih_l0'].shape, [4, 3]);
    assert.deepEqual(Array.from(back['lstm.weight_ih_l0'].data), Array.from(w));
    assert.equal(back['fc.bias'].data[0], Math.fround(0.1));
    assert.deepEqual(back.empty, { shape: [0, 5], data: new Float32Array(0) });
    assert.deepEqual(metadata, { format: 'pt' });
  });

  test('reads F64, F16 and BF16, and an unpadded header', () => {
    const f64 = Buffer.alloc(16);
    f64.writeDoubleLE(0.25, 0);
    f64.writeDoubleLE(-3, 8);
    // F16: 0x3C00 = 1, 0xC000 = -2, 0x0001 = 2^-24 (subnormal), 0x7C00 = +inf. BF16: 0x3FC0 = 1.5.
    const bytes = file(
      {
        d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
        h: { dtype: 'F16', shape: [2, 2], data_offsets: [16, 24] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [24, 26] },
      },
      [...f64, 0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c, 0xc0, 0x3f],
      false,
    );
    const { tensors } = decodeSafetensors(bytes, 'x');
    assert.deepEqual(Array.from(tensors.d.data), [0.25, -3]);
    assert.deepEqual(Array.from(tensors.h.data), [1, -2, Math.fround(2 ** -24), Infinity]);
    assert.deepEqual(Array.from(tensors.b.data), [1.5]);
  });

  test('malformed files are refused with what is wrong', () => {
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const eight = [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0];
    rejects(new Uint8Array(5), /fewer than the 8/);
    rejects(file(ok, eight).subarray(0, 20), /runs past the end/);
    rejects(file(ok, eight.slice(0, 4)), /outside the 4-byte buffer/);
    rejects(file(ok, [...eight, 0, 0, 0, 0]), /end at byte 8 of a 12-byte buffer/);
    rejects(file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, eight), /dtype "I64"/);
    rejects(file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight), /needs 12 bytes/);
    rejects(file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight), /no valid shape/);
    rejects(file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /starts at byte 4/);
    rejects(file([1, 2], eight), /not a JSON object/);
    rejects(file({ __metadata__: { n: 1 }, ...ok }, eight), /__metadata__/);
    const notJson = file(ok, eight);
    notJson[8] = 0x7b + 1; // '|' instead of '{'
    rejects(notJson, /not UTF-8 JSON/);
  });
});
