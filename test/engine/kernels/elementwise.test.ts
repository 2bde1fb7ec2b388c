// colSum (the bias gradients' column sums) and transpose against their definitions, bit for bit:
// colSum sums every column in row order in float32; shapes with and without partial vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernels } from '../../../src/engine/kernels/wasm';

test('colSum sums each column in row order, bit for bit, fresh and accumulating', () => {
  const km = kernels();
  for (const [rows, cols] of [[1, 1], [7, 3], [505, 40], [6144, 128], [33, 131]]) {
    for (const accumulate of [false, true]) {
      km.beginScratch();
      const x = km.put(Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 5) - 2)));
      const start = Float32Array.from({ length: cols }, (_, j) => j - 0.5);
      const out = km.put(start);
      km.k.colSum(out, x, rows, cols, accumulate);
      const xv = km.f32(x, rows * cols), got = km.f32(out, cols);
      for (let j = 0; j < cols; j++) {
        let s = accumulate ? start[j] : 0;
        for (let i = 0; i < rows; i++) s = Math.fround(s + xv[i * cols + j]);
        assert.equal(got[j], s, `[${rows}, ${cols}] accumulate=${accumulate}, column ${j}`);
      }
    }
  }
});

test('transpose moves every element, bit for bit, for tiles, 4×4 blocks and ragged edges', () => {
  const km = kernels();
  for (const [rows, cols] of [[1, 1], [3, 5], [4, 4], [40, 10], [256, 5431], [37, 70], [768, 256]]) {
    km.beginScratch();
    const src = km.put(Float32Array.from({ length: rows * cols }, (_, i) => i + 0.25));
    const dst = km.put(new Float32Array(rows * cols).fill(NaN));
    km.k.transpose(dst, src, rows, cols);
    const s = km.f32(src, rows * cols), d = km.f32(dst, rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) if (d[c * rows + r] !== s[r * cols + c]) assert.fail(`[${rows}, ${cols}]: (${r}, ${c})`);
    }
  }
});
