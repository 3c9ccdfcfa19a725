// The decisions that keep a slowed host's figures out of the bars: the probe's verdict on a round, the plausibility
// floor, and inconclusive bars. Pure functions on hand-made readings and runs; nothing here is timed.
import { describe, expect, it } from 'vitest';
import { computeBars, summarize } from './analysis.js';
import { FRAMEWORK_OF, type ProbeSample, type TargetKind } from './protocol.js';
import {
  checkRounds,
  checkRuns,
  countDrops,
  judge,
  minCleanRounds,
  PROBE_BELOW_BEST,
  PROBE_TOLERANCE,
  type RoundProbes,
  verdictLabel,
  verifiesEveryRequest,
} from './quality.js';
import type { RunRecord, Workload } from './rounds.js';

/** A probe reading: RS256 verifies per second; CPU µs per verify defaults to what that rate implies. */
const sample = (rs256PerSec: number, cpuUs = { RS256: 1e6 / rs256PerSec, ES256: 45 }): ProbeSample => ({
  at: 0,
  perSec: { RS256: rs256PerSec, ES256: 1e6 / cpuUs.ES256 },
  cpuUs,
});
const probes = (...rounds: number[][]): RoundProbes[] =>
  rounds.map((rates, round) => ({ round, samples: rates.map((r) => sample(r)) }));

function run(
  kind: TargetKind,
  workload: Workload,
  round: number,
  cpuUsPerReq: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  return {
    round,
    target: kind,
    kind,
    framework: FRAMEWORK_OF[kind],
    alg: 'RS256',
    workload,
    requests: 1000,
    ok: 1000,
    non2xx: 0,
    errors: 0,
    durationS: 0.35,
    rps: 1e6 / cpuUsPerReq,
    p50: 1,
    p99: 2,
    cpuUsPerReq,
    systemUsPerReq: 10,
    cpuUtil: 0.9,
    served: 1000,
    jwksFetches: 0,
    foreignServerCore: 0,
    foreignDriverCore: 0,
    ...extra,
  };
}

describe('speed probe: a round is slowed when its readings move or fall far below the best', () => {
  it('keeps rounds whose readings stay within the tolerance and near the best', () => {
    const checks = checkRounds(probes([50_000, 49_000, 48_500], [48_500, 50_000, 49_500]));
    expect(checks.map((c) => c.slowed)).toEqual([undefined, undefined]);
    expect(checks[0]?.spread).toBeCloseTo(0.03, 5);
  });

  it('drops a round whose readings moved by more than the tolerance, saying by how much', () => {
    const moved = 50_000 * (1 - PROBE_TOLERANCE - 0.02);
    const [clean, slowed] = checkRounds(probes([50_000, 49_500], [50_000, moved, 50_000]));
    expect(clean?.slowed).toBeUndefined();
    expect(slowed?.slowed).toBe('the probe moved 12% within the round (tolerance 10%)');
  });

  it("drops a steady round that ran far below the run's best", () => {
    const low = 50_000 * (1 - PROBE_BELOW_BEST - 0.05);
    const [best, steadyButSlow, near] = checkRounds(
      probes([50_000, 49_800], [low, low * 1.02], [0.85 * 50_000, 0.87 * 50_000]),
    );
    expect(best?.slowed).toBeUndefined();
    expect(steadyButSlow?.slowed).toBe("the probe ran 25% below the run's best (tolerance 20%)");
    // 15% below the best, steady: the whole round was slowed alike, its in-round ratios still hold.
    expect(near?.slowed).toBeUndefined();
  });

  it('drops a round with fewer than two readings: its speed is unknown', () => {
    const [none, one] = checkRounds([
      { round: 0, samples: [] },
      { round: 1, samples: [sample(50_000)] },
    ]);
    expect(none?.slowed).toBe('0 probe reading(s), so its speed is unknown');
    expect(one?.slowed).toBe('1 probe reading(s), so its speed is unknown');
  });

  it("takes each algorithm's floor from the round's cheapest raw verify", () => {
    const [round] = checkRounds([
      {
        round: 0,
        samples: [sample(50_000, { RS256: 21, ES256: 48 }), sample(50_000, { RS256: 19.5, ES256: 50 })],
      },
    ]);
    expect(round?.floorUs).toEqual({ RS256: 19.5, ES256: 48 });
  });
});

describe('plausibility floors', () => {
  const cleanRound = checkRounds(probes([50_000, 50_000]));
  // Raw verify: 20 µs of CPU (1e6 / 50,000).

  it('drops a verifying run that cost less than one raw verify above its baseline, and says why', () => {
    const [base, reference, audguard] = checkRuns(
      [
        run('express', 'baseline', 0, 60),
        run('express+node:crypto', 'cold', 0, 73.5),
        run('audguard-express', 'cold', 0, 110),
      ],
      cleanRound,
    );
    expect(base?.drop).toBeUndefined();
    expect(reference?.drop).toBe('implausible');
    expect(reference?.why).toBe(
      'auth 13.5 µs/req of server CPU above its baseline, below one raw RS256 verify (20.0 µs) in the same round',
    );
    expect(audguard?.drop).toBeUndefined();
  });

  it('applies no floor where no verify happens per request (baselines, audguard warm)', () => {
    expect(verifiesEveryRequest('express', 'baseline')).toBe(false);
    expect(verifiesEveryRequest('audguard-koa', 'warm-1000')).toBe(false);
    expect(verifiesEveryRequest('audguard-koa', 'cold')).toBe(true);
    expect(verifiesEveryRequest('audguard-koa', 'cold-overflow')).toBe(true);
    expect(verifiesEveryRequest('express-jwt+jwks-rsa', 'warm-1')).toBe(true);
    const [, warm] = checkRuns(
      [run('express', 'baseline', 0, 60), run('audguard-express', 'warm-1', 0, 62)],
      cleanRound,
    );
    expect(warm?.drop).toBeUndefined();
  });

  it('measures against the same round’s baseline, not a cheaper one from another round', () => {
    const rounds = checkRounds(probes([50_000, 50_000], [50_000, 50_000]));
    const checks = checkRuns(
      [
        run('express', 'baseline', 0, 60),
        run('express', 'baseline', 1, 75),
        // 90 − 75 = 15 µs in its own round: below the 20 µs raw verify (against round 0's 60 it would pass).
        run('express+node:crypto', 'cold', 1, 90),
      ],
      rounds,
    );
    expect(checks.map((c) => c.drop)).toEqual([undefined, undefined, 'implausible']);
  });

  it('measures against the lowest kept baseline when the same-round baseline was dropped', () => {
    const rounds = checkRounds(probes([50_000, 50_000], [50_000, 50_000]));
    const checks = checkRuns(
      [
        run('express', 'baseline', 0, 60),
        run('express', 'baseline', 1, 90, { foreignServerCore: 0.4 }),
        // 100 − 90 would be 10 µs; against the kept baseline (60) it is 40 µs: plausible.
        run('express+node:crypto', 'cold', 1, 100),
        run('express+node:crypto', 'cold', 0, 70),
      ],
      rounds,
    );
    expect(checks.map((c) => c.drop)).toEqual([undefined, 'disturbed', undefined, 'implausible']);
    expect(checks[1]?.why).toBe('other processes took 40% of a core (> 15%)');
  });

  it('drops every run of a slowed round before any floor is looked at', () => {
    const rounds = checkRounds(probes([50_000, 50_000], [50_000, 30_000]));
    const checks = checkRuns(
      [run('express', 'baseline', 1, 60), run('express+node:crypto', 'cold', 1, 61)],
      rounds,
    );
    expect(checks.map((c) => c.drop)).toEqual(['slowed', 'slowed']);
    expect(checks[0]?.why).toBe('the probe moved 40% within the round (tolerance 10%)');
    const drops = countDrops(rounds, checks);
    expect(drops.slowedRounds.map((r) => r.round)).toEqual([1]);
    expect([drops.slowed, drops.disturbed, drops.implausible.length]).toEqual([2, 0, 0]);
  });
});

describe('inconclusive bars', () => {
  it('needs half of the rounds, and at least two', () => {
    expect([1, 2, 3, 4, 5, 6].map(minCleanRounds)).toEqual([2, 2, 2, 2, 3, 3]);
    expect(judge(true, 2, 4)).toEqual({ pass: true });
    expect(judge(false, 2, 4)).toEqual({ pass: false });
    expect(judge(true, 1, 4)).toEqual({ pass: undefined, inconclusive: '1 of 4 rounds clean, 2 needed' });
  });

  it('prints "inconclusive, re-run" instead of PASS or FAIL', () => {
    expect(verdictLabel({ pass: true })).toBe('PASS');
    expect(verdictLabel({ pass: false })).toBe('FAIL');
    expect(verdictLabel({ pass: undefined })).toBe('INFO');
    expect(verdictLabel({ pass: undefined, inconclusive: '1 of 4 rounds clean, 2 needed' })).toBe(
      'inconclusive, re-run',
    );
  });

  /** Four rounds of the Express block; `slow` rounds are slowed by the probe. */
  function bars(slow: readonly number[], referenceCpu = 81) {
    const rates = [0, 1, 2, 3].map((r) => (slow.includes(r) ? [50_000, 30_000] : [50_000, 49_500]));
    const rounds = checkRounds(probes(...rates));
    const records = [0, 1, 2, 3].flatMap((r) => [
      run('express', 'baseline', r, 60),
      run('express+node:crypto', 'cold', r, referenceCpu),
      run('audguard-express', 'cold', r, 83.1),
      run('audguard-express', 'warm-1', r, 62),
    ]);
    return computeBars({
      rows: summarize(checkRuns(records, rounds)),
      micro: [],
      flood: [],
      outage: [],
      rss: [],
    });
  }

  it('judges the warm and cold bars when enough rounds are clean', () => {
    const [warm, cold] = bars([0, 3]);
    expect(warm?.name).toBe('warm  audguard-express RS256 warm-1');
    expect([warm?.pass, warm?.inconclusive]).toEqual([true, undefined]);
    expect(cold?.name).toBe('cold  audguard-express RS256 cold');
    expect([cold?.pass, cold?.inconclusive]).toEqual([true, undefined]);
    expect(cold?.detail).toContain('= 1.10× the node:crypto reference');
  });

  it('makes every load bar inconclusive when too few rounds are clean, keeping the figure in the detail', () => {
    for (const bar of bars([0, 1, 3])) {
      expect(bar.pass).toBeUndefined();
      expect(bar.inconclusive).toBe('1 of 4 rounds clean, 2 needed');
    }
  });

  it('makes a cold bar inconclusive when the reference it divides by is implausible', () => {
    // The reference at 13.5 µs above its baseline, under one raw verify (20 µs): the case that printed 9.81×.
    const [warm, cold] = bars([], 73.5);
    expect(warm?.pass).toBe(true);
    expect(cold?.pass).toBeUndefined();
    expect(cold?.inconclusive).toBe('0 of 4 rounds clean, 2 needed');
  });
});
