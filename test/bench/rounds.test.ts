// How the bench turns several interleaved rounds into one row and one target ratio: medians for
// rates and CPU per request, sums for counts, the worst round for other processes' share, and the
// median of per-round ratios (a round disturbed for both sides drops out).
import t from 'tap';
import { aggregateHandshakes, aggregateHttp, median, medianRoundDifference, medianRoundRatio } from '../../bench/rounds.js';

const latency = (p50: number) => ({ count: 100, mean: p50, p50, p90: p50 * 2, p99: p50 * 3, max: p50 * 4 });
const http = (reqPerSec: number, cpuMsPerOp: number | undefined, foreign: number) => ({
  reqPerSec,
  ok: reqPerSec * 10,
  non2xx: 1,
  errors: 0,
  timeouts: 0,
  statusCodes: { '200': reqPerSec * 10, '503': 1 },
  latency: latency(reqPerSec / 1000),
  cpu: { servers: 0.9, loadGenerator: 0.5, foreign },
  serverMs: { gateway: reqPerSec, 'redis-server': 1 },
  ...(cpuMsPerOp === undefined ? {} : { cpuMsPerOp }),
});

t.test('median', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5, 'even count: mean of the middle two');
  t.equal(median([undefined, 5, Number.NaN]), 5, 'missing values are left out');
  t.equal(median([]), undefined);
});

t.test('a row from rounds: median rates, summed counts, worst share of other processes', async (t) => {
  const row = aggregateHttp([http(1000, 0.2, 0.01), http(3000, 0.3, 0.4), http(2000, undefined, 0.02)]);
  t.equal(row.reqPerSec, 2000);
  t.equal(row.ok, 60_000);
  t.equal(row.non2xx, 3);
  t.same(row.statusCodes, { '200': 60_000, '503': 3 });
  t.equal(row.latency.p50, 2, 'median of the rounds\' p50');
  t.equal(row.latency.max, 12, 'worst max');
  t.equal(row.cpu?.foreign, 0.4, 'the worst round\'s share is shown');
  t.equal(row.cpuMsPerOp, 0.25, 'median of the rounds that have a CPU reading');
  t.same(row.serverMs, { gateway: 6000, 'redis-server': 3 });
});

t.test('handshake rows', async (t) => {
  const hs = (perSec: number, firstError?: string) => ({
    completed: perSec,
    perSec,
    failed: 1,
    non200: 0,
    resumed: perSec - 1,
    connectToResponse: latency(perSec / 10),
    cpuMsPerOp: perSec / 100,
    ...(firstError ? { firstError } : {}),
  });
  const row = aggregateHandshakes([hs(100), hs(300, 'ECONNRESET'), hs(200)]);
  t.equal(row.perSec, 200);
  t.equal(row.completed, 600);
  t.equal(row.resumed, 597);
  t.equal(row.failed, 3);
  t.equal(row.cpuMsPerOp, 2);
  t.equal(row.firstError, 'ECONNRESET');
  t.notOk(aggregateHandshakes([hs(1)]).firstError);
});

t.test('target ratios are the median of per-round ratios', async (t) => {
  // Round 2 was disturbed for the gateway only: a ratio of medians would say 2000/1000 = 2.
  const gw = [{ v: 1200 }, { v: 400 }, { v: 2000 }];
  const ref = [{ v: 1000 }, { v: 1000 }, { v: 1000 }];
  t.equal(medianRoundRatio(gw, ref, (r) => r.v), 1.2);
  t.equal(medianRoundRatio(gw, [{ v: 0 }, { v: 1000 }], (r) => r.v), 0.4, 'rounds with a zero reference are left out');
  t.equal(medianRoundRatio(undefined, ref, (r) => r.v), undefined);
  t.equal(medianRoundDifference([{ v: 2.5 }, { v: 3 }, { v: 2.4 }], [{ v: 2 }, { v: 2 }, { v: 2 }], (r) => r.v), 0.5);
  t.equal(medianRoundDifference(gw, undefined, (r) => r.v), undefined);
  t.equal(medianRoundDifference([{ v: undefined }], [{ v: 1 }], (r: { v: number | undefined }) => r.v), undefined);
});
