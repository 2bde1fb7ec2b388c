import assert from 'node:assert/strict';

/** Flatten nested number arrays (fixture JSON) into one array. */
export function flat(x: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v as number);
  };
  walk(x);
  return out;
}

/**
 * Element-wise |a − e| ≤ atol + rtol·|e| (numpy.allclose's rule). Reports the worst element.
 * Returns the largest relative error seen (for tests that also want to print it).
 */
export function assertClose(actual: ArrayLike<number>, expected: unknown, label: string, rtol = 1e-5, atol = 1e-6): number {
  const e = Array.isArray(expected) ? flat(expected) : Array.from(expected as ArrayLike<number>);
  assert.equal(actual.length, e.length, `${label}: length ${actual.length} vs expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  let maxRel = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(actual[i] - e[i]);
    const allowed = atol + rtol * Math.abs(e[i]);
    if (!(d <= allowed) && (worst < 0 || d - allowed > worstExcess)) {
      worst = i;
      worstExcess = d - allowed;
    }
    if (Math.abs(e[i]) > 1e-3) maxRel = Math.max(maxRel, d / Math.abs(e[i]));
  }
  if (worst >= 0) {
    assert.fail(`${label}: element ${worst} is ${actual[worst]}, expected ${e[worst]} (|diff| ${Math.abs(actual[worst] - e[worst]).toExponential(2)} > ${atol} + ${rtol}·|expected|)`);
  }
  return maxRel;
}
