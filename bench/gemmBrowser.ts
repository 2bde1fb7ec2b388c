/**
 * The kernel module's GEMM in headless Chromium (Debian's, a current V8), as the stand-in for a
 * current VS Code: its Electron has relaxed SIMD, which Node 20 has only behind a flag. Both
 * builds (SIMD128, relaxed SIMD) run one thread on the same shapes as bench/gemm.ts. The page is
 * served cross-origin isolated (COOP/COEP), as the module's memory is shared.
 */
import { chromium } from 'playwright-core';
import { kernelsRelaxedWasmBase64, kernelsWasmBase64 } from '../src/engine/kernels/generated/kernelsWasm';
import { GEMM_SHAPES } from './gemm';

export interface BrowserRate {
  engine: string;
  M: number;
  K: number;
  N: number;
  gmacs: number;
}

const PAGE_SCRIPT = `({ builds, shapes }) => {
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rates = [];
  const relaxedSimd = WebAssembly.validate(bytes(builds[1][1]));
  for (const [engine, b64] of builds) {
    const code = bytes(b64);
    if (!WebAssembly.validate(code)) continue;
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const env = { memory, abort() { throw new Error('abort'); }, pgemm() { throw new Error('pgemm'); } };
    const k = new WebAssembly.Instance(new WebAssembly.Module(code), { env }).exports;
    for (const [M, K, N] of shapes) {
      const a = (k.heapBase() + 15) & ~15, b = a + M * K * 4, c = b + K * N * 4, end = c + M * N * 4 + 64;
      if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
      const f = new Float32Array(memory.buffer);
      for (let i = 0; i < M * K; i++) f[a / 4 + i] = Math.sin(i);
      for (let i = 0; i < K * N; i++) f[b / 4 + i] = Math.cos(i);
      const reps = Math.max(1, Math.round(2e8 / (M * K * N)));
      k.gemm(c, N, a, K, 1, b, N, M, K, N, false);
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        for (let q = 0; q < reps; q++) k.gemm(c, N, a, K, 1, b, N, M, K, N, false);
        best = Math.min(best, (performance.now() - t) / reps);
      }
      rates.push({ engine, M, K, N, gmacs: (M * K * N) / (best * 1e6) });
    }
  }
  return { relaxedSimd, rates };
}`;

export async function browserGemm(): Promise<{ version: string; relaxedSimd: boolean; rates: BrowserRate[] }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.route('http://bench.invalid/', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>gemm</title>', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } }),
    );
    await page.goto('http://bench.invalid/');
    // Plain JavaScript, not a function: tsx's transform would add helpers the page lacks.
    const result = (await page.evaluate(`(${PAGE_SCRIPT})(${JSON.stringify({
      builds: [['WASM SIMD128', kernelsWasmBase64], ['WASM relaxed SIMD (FMA)', kernelsRelaxedWasmBase64]],
      shapes: GEMM_SHAPES,
    })})`)) as { relaxedSimd: boolean; rates: BrowserRate[] };
    return { version: browser.version(), ...result };
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  browserGemm().then((r) => console.log(JSON.stringify(r)));
}
