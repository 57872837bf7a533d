// lambench cpu-intensive handler (Node.js 20+, ES module, no dependencies).
// Chained SHA-256: d0 = sha256(SEED), d(k+1) = sha256(d(k)) over the 32 raw digest bytes;
// returns hex(dN). Contract: docs/handler-contract.md. No timing here: Lambda's REPORT line is
// the measurement.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export const WORKLOAD = "cpu-intensive";
export const SEED = Buffer.from("lambench-cpu-intensive-v1");
const DEFAULT_ITERATIONS = 500_000;
const MAX_ITERATIONS = 10_000_000;

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

/** A bad event; the message is the contract's {"success": false, ...} body as JSON. */
export class WorkloadError extends Error {
  constructor(message) {
    const body = { success: false, workload: WORKLOAD, error: message, environment: { ...ENVIRONMENT } };
    super(JSON.stringify(body));
    this.name = "WorkloadError";
    this.body = body;
  }
}

function iterationsFrom(event) {
  const value = event?.iterations;
  if (value === undefined || value === null) return DEFAULT_ITERATIONS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_ITERATIONS) {
    throw new WorkloadError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}, got ${JSON.stringify(value)}`);
  }
  return value;
}

// The original benchmark's per-iteration call: a new Hash object per digest. (The one-shot
// crypto.hash of Node >= 20.12 measured 1.45x faster; lambench measures what the original did.)
export function chain(iterations) {
  let digest = createHash("sha256").update(SEED).digest();
  for (let i = 0; i < iterations; i++) {
    digest = createHash("sha256").update(digest).digest();
  }
  return digest;
}

export const handler = async (event) => {
  const environment = nextInvocation();
  const n = iterationsFrom(event);
  return { success: true, workload: WORKLOAD, iterations: n, digest: chain(n).toString("hex"), environment };
};
