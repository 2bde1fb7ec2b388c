import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, type IDisposable } from '../../../src/extension/core/disposable';

class Owner extends Disposable {
  add<T extends IDisposable>(d: T): T {
    return this._register(d);
  }
  get gone(): boolean {
    return this._isDisposed;
  }
}

function probe(log: string[], name: string): IDisposable {
  return { dispose: () => log.push(name) };
}

test('dispose disposes what was registered, last first, once', () => {
  const log: string[] = [];
  const o = new Owner();
  o.add(probe(log, 'a'));
  o.add(probe(log, 'b'));
  assert.equal(o.gone, false);
  o.dispose();
  o.dispose();
  assert.deepEqual(log, ['b', 'a']);
  assert.equal(o.gone, true);
});

test('registering on a disposed owner disposes at once', () => {
  const log: string[] = [];
  const o = new Owner();
  o.dispose();
  o.add(probe(log, 'late'));
  assert.deepEqual(log, ['late']);
});
