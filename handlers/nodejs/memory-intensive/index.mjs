// lambench memory-intensive handler (Node.js 20+, ES module, no dependencies).
// Fills sizeMb MiB worth of 64-bit values (sizeMb * 131072) from a 64-bit LCG
// (x = x * A + C mod 2^64 from x = 42; each value x >> 34, uniform in [0, 2^30) as the original
// benchmark's Math.floor(Math.random() * 2 ** 30)), sorts ascending, spot-checks the order,
// returns count, min, median (sorted[count / 2]) and max.
// The LCG runs on two 32-bit halves: BigInt would allocate per step and measure the allocator.
// Contract: docs/handler-contract.md.

import { readFileSync } from "node:fs";

export const WORKLOAD = "memory-intensive";
const DEFAULT_SIZE_MB = 100;
const MAX_SIZE_MB = 2048;
const TWO32 = 4294967296;
// A = 6364136223846793005, C = 1442695040888963407, SEED = 42, as (high, low) 32-bit halves.
const A_HI = 0x5851f42d, A_LO = 0x4c957f2d;
const C_HI = 0x14057b7e, C_LO = 0xf767814f;
const SEED_HI = 0, SEED_LO = 42;
// Evenly spaced values re-checked after the sort: O(1000), like the original benchmark's hash of
// its first 1000 values (the same check in every language).
const CHECKS = 1000;

// --- lambench environment: identical in every Node.js handler (the tests check), so each
// deployment zip stays one file. docs/handler-contract.md, "Where the sample ran". Read once per
// execution environment, at init; the CPU fields are decoded by the collector.
const CPUINFO_FIELDS = new Set(["model name", "flags", "CPU implementer", "CPU part", "Features"]);

/** The first processor's identifying fields of /proc/cpuinfo; {} where it cannot be read. */
function cpuinfo() {
  const fields = {};
  let text;
  try {
    text = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return fields;
  }
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) {
      if (Object.keys(fields).length > 0) break; // a blank line ends the first processor's block
      continue;
    }
    const key = line.slice(0, colon).trim();
    if (CPUINFO_FIELDS.has(key) && !(key in fields)) fields[key] = line.slice(colon + 1).trim();
  }
  return fields;
}

export const ENVIRONMENT = {
  id: process.env.AWS_LAMBDA_LOG_STREAM_NAME || globalThis.crypto.randomUUID().replaceAll("-", ""),
  invocation: 0,
  cpuinfo: cpuinfo(),
};

/** Counts the invocation about to run; returns the report its response carries. */
function nextInvocation() {
  ENVIRONMENT.invocation += 1;
  return { ...ENVIRONMENT };
}
// --- end lambench environment ---

export class WorkloadError extends Error {
  constructor(message) {
    const body = { success: false, workload: WORKLOAD, error: message, environment: { ...ENVIRONMENT } };
    super(JSON.stringify(body));
    this.name = "WorkloadError";
    this.body = body;
  }
}

function sizeFrom(event) {
  const value = event?.sizeMb;
  if (value === undefined || value === null) return DEFAULT_SIZE_MB;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE_MB) {
    throw new WorkloadError(`sizeMb must be an integer from 1 to ${MAX_SIZE_MB}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Fills `count` values of the LCG sequence into a Float64Array. */
export function fill(count) {
  const values = new Float64Array(count);
  let hi = SEED_HI, lo = SEED_LO;
  const b0 = A_LO & 0xffff, b1 = A_LO >>> 16;
  for (let i = 0; i < count; i++) {
    // (hi:lo) * (A_HI:A_LO) mod 2^64: the 64-bit product lo * A_LO from 16-bit limbs, plus
    // the cross terms, which only reach the high word.
    const a0 = lo & 0xffff, a1 = lo >>> 16;
    const mid = a0 * b1 + a1 * b0;
    const low = a0 * b0 + (mid % 65536) * 65536;
    const carry = Math.floor(low / TWO32);
    const high = a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(hi, A_LO) + Math.imul(lo, A_HI);
    // + C mod 2^64
    const sumLo = (low >>> 0) + C_LO;
    lo = sumLo >>> 0;
    hi = (high + C_HI + (sumLo >= TWO32 ? 1 : 0)) >>> 0;
    values[i] = hi >>> 2; // x >> 34: the top 30 bits
  }
  return values;
}

/** Whether every (length / CHECKS)-th value, and the last, are in ascending order. */
export function inOrder(values) {
  const step = Math.max(1, Math.floor(values.length / CHECKS));
  let previous = values[0];
  for (let i = step; i < values.length; i += step) {
    if (values[i] < previous) return false;
    previous = values[i];
  }
  return previous <= values[values.length - 1];
}

export const handler = async (event) => {
  const environment = nextInvocation();
  const size = sizeFrom(event);
  const count = (size * 1024 * 1024) / 8;
  const values = fill(count);
  values.sort();
  if (!inOrder(values)) throw new WorkloadError("array not sorted after sort");
  return {
    success: true,
    workload: WORKLOAD,
    sizeMb: size,
    count,
    min: values[0],
    median: values[Math.floor(count / 2)],
    max: values[count - 1],
    environment,
  };
};
