/**
 * `npm run bench [-- <suite>…]`: benchmarks, not timed tests. Prints a table and writes JSON under
 * bench/results/. Suites: store (ingest and statistics on each engine).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runHttpBench } from './http-bench.js';
import { soakMain } from './soak.js';
import { runStoreBench } from './store-bench.js';

// `npm run bench -- --soak`: the soak (bench/soak.ts, BENCH_SOAK_SECONDS) instead of the suites.
if (process.argv.includes('--soak')) process.exit(await soakMain());

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
/** Rounds of the HTTP runs (bare, standalone, embedded in turn); the ratios are their medians. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const suites: Record<string, () => Promise<unknown>> = {
  http: async () => {
    const r = await runHttpBench({ seconds, warmup: 5, rounds });
    for (const run of r.results) {
      console.log(
        `${run.name.padEnd(24)} ${String(run.requestsPerSecond).padStart(7)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  peak RSS ${run.peakRssMiB} MiB  errors ${run.errors}  non-2xx ${run.non2xx}`,
      );
    }
    const round2 = (x: number) => Math.round(x * 100) / 100;
    r.rounds.forEach((x, i) =>
      console.log(
        `round ${i + 1}: bare ${x.bare}, standalone ${x.standalone} (${round2(x.standalone / x.bare)}), embedded ${x.embedded} (${round2(x.embedded / x.bare)}) req/s; server CPU per request ${x.cpuUs.bare} / ${x.cpuUs.standalone} / ${x.cpuUs.embedded} µs`,
      ),
    );
    const ratio = round2(r.ratios.standalone);
    const embeddedRatio = round2(r.ratios.embedded);
    console.log(`standalone splash / bare Express (median of ${r.rounds.length} rounds): ${ratio} (target ≥ 1.2)`);
    console.log(
      `embedded splash (createPortal at /wifi in a host's Express app) / bare Express (median): ${embeddedRatio} (target ≥ 0.8)`,
    );
    console.log(
      `by server CPU per request (bare's over the portal's, median): standalone ${round2(r.cpuRatios.standalone)}, embedded ${round2(r.cpuRatios.embedded)}`,
    );
    const pairs = r.results.find((x) => x.name.includes('beacon'));
    console.log(
      `page + beacon: ${pairs?.requestsPerSecond} req/s (${Math.round((pairs?.requestsPerSecond ?? 0) / 2)} pairs/s; target ≥ 1.3× the figure before issue 11)`,
    );
    console.log(`page size: ${r.pageSizeBytes} bytes uncompressed`);
    console.log(
      `reconciliation: ${r.reconciliation.beaconsSent} beacons sent, ${r.reconciliation.impressionsCounted} impressions counted: ${r.reconciliation.exact ? 'exact' : 'MISMATCH'}`,
    );
    return { ...r, ratio, embeddedRatio };
  },
  store: async () => {
    const results = await runStoreBench();
    for (const r of results) {
      console.log(
        `\n[${r.engine}] ingest: ${r.ingestEvents} events in ${r.ingestSeconds} s = ${r.ingestPerSecond} events/s`,
      );
      console.log(
        `[${r.engine}] seeded ${r.seededHourlyRows} hourly rows (${r.seededDays} days × 300 venues) in ${r.seedSeconds} s`,
      );
      for (const q of r.queries) {
        const target = q.targetMs ? ` (target ≤ ${q.targetMs} ms)` : '';
        console.log(
          `[${r.engine}] ${q.name}: median ${q.medianMs} ms${target} (${q.rows} rows; runs ${q.runsMs.join(', ')})`,
        );
      }
    }
    return results;
  },
};

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = requested.length > 0 ? requested : Object.keys(suites);
const machine = {
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
console.log(`bench on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
const outDir = path.join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const results = await suite();
  const file = path.join(outDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}
