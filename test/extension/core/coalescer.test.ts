// The training panels' outbox (src/extension/core/coalescer.ts): news from thousands of steps a
// second reaches the page as at most one message per interval, merged; a replaced state goes whole.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer } from '../../../src/extension/core/coalescer';

function outbox(ready = () => true) {
  const sent: (string | number[])[] = [];
  const c = new Coalescer<number[]>(100, (a, b) => [...a, ...b], { ready, whole: () => sent.push('whole'), delta: (d) => sent.push(d) });
  return { c, sent };
}

test('a burst of news is one message per interval, every item in it, in order', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { c, sent } = outbox();
    for (let step = 1; step <= 1000; step++) c.add([step]);
    assert.deepEqual(sent, [], 'nothing before the interval');
    mock.timers.tick(99);
    assert.deepEqual(sent, []);
    mock.timers.tick(1);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], Array.from({ length: 1000 }, (_, i) => i + 1));
    // One second of news at a step a millisecond: ten messages.
    for (let ms = 0; ms < 1000; ms++) {
      c.add([ms]);
      mock.timers.tick(1);
    }
    assert.equal(sent.length, 11);
    assert.equal((sent.slice(1) as number[][]).flat().length, 1000, 'no item lost or repeated');
  } finally {
    mock.timers.reset();
  }
});

test('a replaced state goes whole, instead of the news it includes; flush sends at once', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { c, sent } = outbox();
    c.add([1]);
    c.replace();
    mock.timers.tick(100);
    assert.deepEqual(sent, ['whole']);
    c.add([2]);
    c.flush();
    assert.deepEqual(sent, ['whole', [2]], 'a new phase does not wait');
    mock.timers.tick(1000);
    assert.deepEqual(sent, ['whole', [2]], 'nothing is sent twice');
  } finally {
    mock.timers.reset();
  }
});

test('a page not ready is sent nothing (it gets the whole state when it loads); a closed panel sends nothing later', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let ready = false;
    const { c, sent } = outbox(() => ready);
    c.add([1]);
    c.replace();
    mock.timers.tick(1000);
    assert.deepEqual(sent, []);
    ready = true;
    c.reset(); // the page loaded and was sent the whole state
    c.add([2]);
    c.cancel(); // closed before the interval
    mock.timers.tick(1000);
    assert.deepEqual(sent, []);
  } finally {
    mock.timers.reset();
  }
});
