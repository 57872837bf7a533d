// lambench cpu-intensive handler (Node.js 20+, ES module, no dependencies).
// Chained SHA-256: d0 = sha256(SEED), d(k+1) = sha256(d(k)) over the 32 raw digest bytes;
// returns hex(dN). Contract: docs/handler-contract.md. No timing here: Lambda's REPORT line is
// the measurement.
import { createHash } from "node:crypto";

export const WORKLOAD = "cpu-intensive";
export const SEED = Buffer.from("lambench-cpu-intensive-v1");
const DEFAULT_ITERATIONS = 500_000;
const MAX_ITERATIONS = 10_000_000;

/** A bad event; the message is the contract's {"success": false, ...} body as JSON. */
export class WorkloadError extends Error {
  constructor(message) {
    const body = { success: false, workload: WORKLOAD, error: message };
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

export function chain(iterations) {
  let digest = createHash("sha256").update(SEED).digest();
  for (let i = 0; i < iterations; i++) {
    digest = createHash("sha256").update(digest).digest();
  }
  return digest;
}

export const handler = async (event) => {
  const n = iterationsFrom(event);
  return { success: true, workload: WORKLOAD, iterations: n, digest: chain(n).toString("hex") };
};
