import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReply, PendingRequests } from '../../src/shared/channel';

test('replies settle the request with their id, in any order; a reply to nothing is ignored', async () => {
  const sent: number[] = [];
  const p = new PendingRequests();
  const a = p.request<string>((id) => sent.push(id));
  const b = p.request<string>((id) => sent.push(id));
  assert.deepEqual(sent, [1, 2]);
  p.settle({ type: 'reply', id: 2, ok: true, value: 'second' });
  p.settle({ type: 'reply', id: 99, ok: true, value: 'nobody' });
  p.settle({ type: 'reply', id: 1, ok: false, error: 'first failed' });
  assert.equal(await b, 'second');
  await assert.rejects(a, /first failed/);
  assert.deepEqual(p.ids(), []);
});

test('close rejects what is pending and every later request', async () => {
  const p = new PendingRequests();
  const a = p.request(() => {});
  p.close(new Error('The panel is closed.'));
  await assert.rejects(a, /closed/);
  await assert.rejects(p.request(() => assert.fail('nothing is sent after close')), /closed/);
  assert.deepEqual(p.ids(), []);
});

test('parseReply accepts the two reply shapes and rejects anything else', () => {
  assert.deepEqual(parseReply({ type: 'reply', id: 3, ok: true, value: null }), { type: 'reply', id: 3, ok: true, value: null });
  assert.deepEqual(parseReply({ type: 'reply', id: 4, ok: false, error: 'no' }), { type: 'reply', id: 4, ok: false, error: 'no' });
  assert.throws(() => parseReply({ type: 'reply', id: 1.5, ok: true }), /integer id/);
  assert.throws(() => parseReply({ type: 'reply', id: 1, ok: false }), /error string/);
  assert.throws(() => parseReply({ type: 'reply', id: 1, ok: true, extra: 1 }), /unexpected field extra/);
  assert.throws(() => parseReply('reply'), /object/);
});
