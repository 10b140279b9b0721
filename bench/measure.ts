/** What the HTTP benchmarks share: server processes, their CPU time, timed runs, medians. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

/** This checkout. */
export const root = path.resolve(import.meta.dirname, '..');

/**
 * Starts `node <cmd…>` in `cwd` (default: this checkout) with only PATH and `env`, and resolves
 * once it says it listens (the portal's log line, or the bench servers' "… on <port>").
 */
export function startServer(cmd: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<ChildProcess> {
  const child = spawn(process.execPath, cmd, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/listening|bare express on|embedded portal on/.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`${cwd}: exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`${cwd}: did not start: ${out}`)), 30_000).unref();
  });
}

/** CPU time (user + system) a process has used so far, in µs (`/proc/<pid>/stat`, clock ticks of 10 ms). */
export function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A timed autocannon run against `url` with the benchmarks' 64 connections. */
export function drive(url: string, seconds: number, requests: autocannon.Request[]): Promise<autocannon.Result> {
  return autocannon({ url, connections: 64, duration: seconds, requests });
}
