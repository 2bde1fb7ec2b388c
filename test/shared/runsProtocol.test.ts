// The Compare Runs panel's state and messages are untrusted (a page, or a state restored from
// disk by VS Code): only what the contract defines passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_COMPARE_VIEW, MAX_COMPARED, parseChartsMessage, parseCompareMessage, parseCompareView } from '../../src/shared/runsProtocol';

const view = { ...DEFAULT_COMPARE_VIEW, dirs: ['/w/.rnnlab/runs/a', 'C:\\w\\runs\\b'] };

test('a compare view with absolute run folders and controls in range passes', () => {
  assert.deepEqual(parseCompareView(view), view);
  assert.deepEqual(parseCompareMessage({ type: 'view', view }), { type: 'view', view });
  assert.deepEqual(parseCompareMessage({ type: 'exportCsv' }), { type: 'exportCsv' });
  assert.deepEqual(parseChartsMessage({ type: 'ready' }), { type: 'ready' });
});

test('relative folders, too many folders, smoothing out of [0, 1), unknown fields and types are refused', () => {
  assert.throws(() => parseCompareView({ ...view, dirs: ['runs/a'] }), /absolute/);
  assert.throws(() => parseCompareView({ ...view, dirs: Array.from({ length: MAX_COMPARED + 1 }, (_, i) => `/r/${i}`) }), /at most/);
  assert.throws(() => parseCompareView({ ...view, smoothing: 1 }), /smoothing/);
  assert.throws(() => parseCompareView({ ...view, smoothing: -0.1 }), /smoothing/);
  assert.throws(() => parseCompareView({ ...view, xAxis: 'epoch' }), /xAxis/);
  assert.throws(() => parseCompareView({ ...view, extra: 1 }), /unexpected field extra/);
  assert.throws(() => parseCompareMessage({ type: 'exportCsv', path: '/etc/passwd' }), /unexpected field path/);
  assert.throws(() => parseChartsMessage({ type: 'exportCsv' }), /unknown message type/);
});
