// The option tables: the course's defaults, one flag per option across tables, bounds that every
// surface applies alike, and src/shared importing nothing from outside itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../engine/data/helpers';
import { FORECAST_OPTIONS, SEQ2SEQ_OPTIONS, TRAINER_OPTIONS, isAllowed, parseText, problemWith, type OptionTable } from '../../../src/shared/options';
import { FORECAST_DEFAULTS } from '../../../src/engine/forecast/types';
import { SEQ2SEQ_DEFAULTS } from '../../../src/engine/seq2seq/types';
import { resolveForecastOptions } from '../../../src/engine/forecast/run';
import { resolveSeq2SeqOptions } from '../../../src/engine/seq2seq/run';

test("the defaults are the course's lab 11-4 and 11-5 values", () => {
  assert.deepEqual({ ...FORECAST_DEFAULTS }, {
    seqLength: 7, hidden: 10, layers: 1, epochs: 500, batchSize: 'full', lr: 0.01, trainFraction: 0.7,
    validationFraction: 0, patience: 0, clipNorm: 0, horizon: 7, seed: 0, missing: 'error', order: 'auto',
    dateFormat: 'auto', decimalComma: false,
  });
  assert.deepEqual({ ...SEQ2SEQ_DEFAULTS }, {
    hidden: 16, iterations: 5000, batchSize: 1, optimizer: 'sgd', lr: 0.01, teacherForcing: 1, attention: 'none',
    sourceMaxLength: 10, targetMaxLength: 12, splitPunctuation: false, reverse: false, minCount: 1, clipNorm: 0, seed: 0, sampleEvery: 0,
  });
});

test('an option in several tables has one flag, and the trainer bounds are the flows\' bounds', () => {
  const tables: OptionTable[] = [TRAINER_OPTIONS, FORECAST_OPTIONS, SEQ2SEQ_OPTIONS];
  const flagOf = new Map<string, string>();
  const keyOf = new Map<string, string>();
  for (const t of tables) {
    for (const s of Object.values(t)) {
      assert.equal(flagOf.get(s.name) ?? s.flag, s.flag, `${s.name}: one flag`);
      assert.equal(keyOf.get(s.flag) ?? s.name, s.name, `--${s.flag}: one option`);
      flagOf.set(s.name, s.flag);
      keyOf.set(s.flag, s.name);
    }
  }
  for (const k of ['lr', 'clipNorm', 'seed'] as const) {
    for (const t of [FORECAST_OPTIONS, SEQ2SEQ_OPTIONS]) {
      assert.deepEqual([t[k].type, (t[k] as { min: number }).min, (t[k] as { max: number }).max], [TRAINER_OPTIONS[k].type, TRAINER_OPTIONS[k].min, TRAINER_OPTIONS[k].max], k);
    }
  }
});

test('the engine accepts exactly what the table allows, at each bound', () => {
  const edges: [string, unknown, boolean][] = [
    ['lr', 10, false], ['lr', 9.99, true], ['lr', 0, false], ['lr', 1e-9, true],
    ['hidden', 4096, true], ['hidden', 4097, false], ['layers', 16, true], ['layers', 17, false],
    ['horizon', 10_000, true], ['horizon', 10_001, false], ['horizon', 0, true],
    ['trainFraction', 0.99, true], ['trainFraction', 0.995, false], ['batchSize', 'full', true], ['batchSize', 'half', false],
  ];
  for (const [key, v, ok] of edges) {
    const spec = FORECAST_OPTIONS[key as keyof typeof FORECAST_OPTIONS];
    assert.equal(isAllowed(spec, v), ok, `table: ${key} ${String(v)}`);
    let accepted = true;
    try {
      resolveForecastOptions({ [key]: v });
    } catch {
      accepted = false;
    }
    assert.equal(accepted, ok, `engine: ${key} ${String(v)}`);
  }
  assert.throws(() => resolveSeq2SeqOptions({ lr: 10 }), /--lr must be a number above 0 and below 10, got 10\./);
  assert.equal(resolveSeq2SeqOptions({ lr: 9.99 }).lr, 9.99);
});

test('problems and parsing are in words, naming the allowed values', () => {
  assert.equal(problemWith(FORECAST_OPTIONS.layers, 0), 'must be a whole number from 1 to 16, got 0.');
  assert.equal(problemWith(FORECAST_OPTIONS.lr, 10), 'must be a number above 0 and below 10, got 10.');
  assert.equal(problemWith(FORECAST_OPTIONS.trainFraction, 1), 'must be a number from 0.01 to 0.99, got 1.');
  assert.equal(problemWith(FORECAST_OPTIONS.missing, 'zero'), 'must be one of error, drop, ffill, got "zero".');
  assert.deepEqual(parseText(FORECAST_OPTIONS.batchSize, ' FULL '), { value: 'full' });
  assert.deepEqual(parseText(FORECAST_OPTIONS.batchSize, '32'), { value: 32 });
  assert.deepEqual(parseText(FORECAST_OPTIONS.lr, 'abc'), { problem: 'takes a number, got "abc".' });
  assert.deepEqual(parseText(FORECAST_OPTIONS.features, 'Open, Close,'), { value: ['Open', 'Close'] });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
}

test('src/shared imports nothing from outside itself', () => {
  const shared = path.join(ROOT, 'src', 'shared');
  for (const f of files(shared).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const target = path.resolve(path.dirname(f), m[1]);
      assert.ok(m[1].startsWith('.') && target.startsWith(shared + path.sep), `${path.relative(ROOT, f)} imports ${m[1]}`);
    }
  }
});
