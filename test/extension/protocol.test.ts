import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunMessage, parseSetupMessage, ProtocolError, type FormValues } from '../../src/extension/protocol';

const values: FormValues = { target: 'Close', features: ['Open', 'Close'], seqLength: 7, hidden: 10, layers: 1, epochs: 50, batchSize: 'full', lr: 0.01, trainFraction: 0.7, horizon: 7, seed: 0, order: 'auto', missing: 'error' };

test('setup messages: valid ones parse to themselves', () => {
  assert.deepEqual(parseSetupMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseSetupMessage({ type: 'start', values }), { type: 'start', values });
  assert.deepEqual(parseSetupMessage({ type: 'start', values: { ...values, batchSize: 32 } }), { type: 'start', values: { ...values, batchSize: 32 } });
});

test('unknown message types are rejected', () => {
  assert.throws(() => parseSetupMessage({ type: 'runShell', cmd: 'rm -rf /' }), ProtocolError);
  assert.throws(() => parseRunMessage({ type: 'start', values }), ProtocolError);
  assert.throws(() => parseRunMessage({}), ProtocolError);
  assert.throws(() => parseRunMessage(null), ProtocolError);
  assert.throws(() => parseRunMessage('ready'), ProtocolError);
  assert.throws(() => parseRunMessage([{ type: 'ready' }]), ProtocolError);
});

test('malformed fields and extra fields are rejected', () => {
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, epochs: '50' } }), /epochs/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, epochs: 1.5 } }), /integer/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, lr: Number.NaN } }), /finite/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, features: [1] } }), /features/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, batchSize: 'half' } }), /batchSize/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, extra: 1 } }), /unexpected field extra/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, order: 'sideways' } }), /order must be one of/);
  assert.throws(() => parseSetupMessage({ type: 'start', values: { ...values, missing: 'guess' } }), /missing must be one of/);
  assert.throws(() => parseRunMessage({ type: 'cancel', now: true }), /unexpected field/);
});

test('run messages: export images must be data URLs of the stated format', () => {
  assert.deepEqual(parseRunMessage({ type: 'exportImage', format: 'png', dataUrl: 'data:image/png;base64,AAAA' }), { type: 'exportImage', format: 'png', dataUrl: 'data:image/png;base64,AAAA' });
  assert.throws(() => parseRunMessage({ type: 'exportImage', format: 'png', dataUrl: 'file:///etc/passwd' }), ProtocolError);
  assert.throws(() => parseRunMessage({ type: 'exportImage', format: 'gif', dataUrl: 'data:image/gif;base64,' }), /format/);
  assert.deepEqual(parseRunMessage({ type: 'ping', id: 3 }), { type: 'ping', id: 3 });
  for (const type of ['ready', 'cancel', 'saveModel', 'forecastWithSaved'] as const) assert.deepEqual(parseRunMessage({ type }), { type });
});
