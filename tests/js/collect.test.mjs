// The phone computes its current collection period offline (pwa/js/ui/collect.js);
// it must agree with sync/domain/collect.c on the worked examples of tests/unit/domain/test_collect.c
// and on the shared vectors tests/vectors/collect/periods.json, which test_collect runs too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  periodOf,
  periods,
  guideFamily,
  byGroup,
  phaseOf,
  phasesOn,
} from '../../pwa/js/ui/collect.js';
import fr from '../../pwa/js/i18n/fr.js';
import en from '../../pwa/js/i18n/en.js';
import * as ind from '../../pwa/js/indicators.js';

const cal = (from, to) => ({ shooting: { from, to }, post_production: null, days_off: [] });

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/collect/periods.json', import.meta.url), 'utf8'),
);

test('the shared collection vectors: the same periods as the server', () => {
  assert.ok(vectors.cases.length >= 10);
  for (const c of vectors.cases) {
    const k = vectors.calendars[c.calendar];
    assert.deepEqual(
      periods(c.frequency, c.phase, k, c.until),
      c.periods.map(([from, to]) => ({ from, to })),
      c.name,
    );
    for (const [day, want] of c.at)
      assert.deepEqual(
        periodOf(c.frequency, c.phase, k, day),
        want && { from: want[0], to: want[1] },
        `${c.name} at ${day}`,
      );
  }
});

const phaseVectors = JSON.parse(
  readFileSync(new URL('../vectors/phase/phases.json', import.meta.url), 'utf8'),
);

test('the shared phase vectors: the same phase as the server, asked only on shared days', () => {
  assert.ok(phaseVectors.cases.length >= 10);
  for (const c of phaseVectors.cases) {
    const k = phaseVectors.calendars[c.calendar];
    assert.equal(phaseOf(k, c.day, c.own), c.phase, c.name);
    assert.equal(phasesOn(k, c.day).length > 1, c.ambiguous, c.name);
  }
});

test('an 8-day commercial: one period per day, none outside the shoot', () => {
  assert.deepEqual(periodOf('daily', 'shooting', cal('2026-03-02', '2026-03-09'), '2026-03-05'), {
    from: '2026-03-05',
    to: '2026-03-05',
  });
  assert.equal(periodOf('daily', 'shooting', cal('2026-03-02', '2026-03-09'), '2026-03-10'), null);
  assert.equal(periodOf('daily', 'shooting', cal('2026-03-02', '2026-03-09'), '2026-03-01'), null);
});

test('a 10-week feature: seven-day blocks from its first day (a Wednesday)', () => {
  assert.deepEqual(periodOf('weekly', 'shooting', cal('2026-01-07', '2026-03-17'), '2026-01-07'), {
    from: '2026-01-07',
    to: '2026-01-13',
  });
  assert.deepEqual(periodOf('weekly', 'shooting', cal('2026-01-07', '2026-03-17'), '2026-03-16'), {
    from: '2026-03-11',
    to: '2026-03-17',
  });
  // The last week is clipped to the last day.
  assert.deepEqual(periodOf('weekly', 'shooting', cal('2026-01-07', '2026-03-13'), '2026-03-12'), {
    from: '2026-03-11',
    to: '2026-03-13',
  });
});

test('an animation series: calendar months clipped to the production; once; none', () => {
  assert.deepEqual(periodOf('monthly', 'shooting', cal('2026-01-15', '2026-12-31'), '2026-01-20'), {
    from: '2026-01-15',
    to: '2026-01-31',
  });
  assert.deepEqual(periodOf('monthly', 'shooting', cal('2026-01-15', '2026-12-31'), '2026-02-10'), {
    from: '2026-02-01',
    to: '2026-02-28',
  });
  assert.deepEqual(periodOf('monthly', 'shooting', cal('2026-01-15', '2026-12-31'), '2026-12-31'), {
    from: '2026-12-01',
    to: '2026-12-31',
  });
  assert.deepEqual(periodOf('once', 'shooting', cal('2026-01-15', '2026-12-31'), '2026-06-01'), {
    from: '2026-01-15',
    to: '2026-12-31',
  });
  assert.equal(periodOf('none', 'shooting', cal('2026-01-15', '2026-12-31'), '2026-06-01'), null);
  assert.equal(
    periodOf('weekly', 'shooting', cal(null, '2026-12-31'), '2026-06-01'),
    null,
    'no dates, no period',
  );
});

test('every indicator has a guide in French and English', () => {
  for (const i of ind.all()) {
    const fam = guideFamily(i.id);
    assert.ok(fam, `${i.id}: a guide family`);
    for (const part of ['where', 'how', 'tip']) {
      assert.ok(fr[`guide.${fam}.${part}`], `fr guide.${fam}.${part}`);
      assert.ok(en[`guide.${fam}.${part}`], `en guide.${fam}.${part}`);
    }
  }
});

// Lines scheduled as a group make one line, as on the dashboard
// (plan_dysfunctions groups by group and department).
test('lines of a group make one line per group and department', () => {
  const miss = [{ from: '2026-09-07', to: '2026-09-07' }];
  const line = (indicator, group, dept) => ({ indicator, group, dept, missing: miss });
  const out = byGroup([
    line('meals_beef', 'meals', 'catering'),
    line('grid_kwh', undefined, 'image'),
    line('meals_fish', 'meals', 'catering'),
    line('meals_vegan', 'meals', 'catering'),
    line('waste_mixed_kg', 'waste', 'regie'),
    line('waste_wood_kg', 'waste', 'decor'),
    line('meals_unknown', 'meals', 'catering'),
  ]);
  assert.deepEqual(
    out.map((x) => [x.group || x.indicator, x.dept, x.indicators]),
    [
      ['meals', 'catering', ['meals_beef', 'meals_fish', 'meals_vegan', 'meals_unknown']],
      ['grid_kwh', 'image', ['grid_kwh']],
      ['waste', 'regie', ['waste_mixed_kg']],
      ['waste', 'decor', ['waste_wood_kg']],
    ],
  );
  assert.deepEqual(out[0].missing, miss);
  assert.deepEqual(byGroup([]), []);
});
