import { readFileSync } from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ = 100 on Linux

/** A process's CPU time so far, in ms, from /proc/<pid>/stat (utime and stime: fields 14 and 15). */
export function cpuTimes(pid: number): { user: number; sys: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) * TICK_MS, sys: Number(fields[12]) * TICK_MS };
}

/** A process's CPU time so far (user + system), in ms. */
export function cpuMs(pid: number): number {
  const { user, sys } = cpuTimes(pid);
  return user + sys;
}
