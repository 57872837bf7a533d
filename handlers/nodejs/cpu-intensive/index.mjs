// lambench cpu-intensive handler (Node.js 20+, ES module, no dependencies).
// Chained SHA-256: d0 = sha256(SEED), d(k+1) = sha256(d(k)) over the 32 raw digest bytes;
// returns hex(dN). Contract: docs/handler-contract.md. No timing here: Lambda's REPORT line is
// the measurement.
import * as crypto from "node:crypto";

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

// The one-shot API, as Python (hashlib.sha256(x).digest()) and Rust (Sha256::digest) use:
// crypto.hash (Node >= 20.12) measured 1.7x faster than createHash().update().digest() per
// 32-byte digest. Older Node falls back to createHash.
const sha256 =
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha256", data, "buffer")
    : (data) => crypto.createHash("sha256").update(data).digest();

export function chain(iterations) {
  let digest = sha256(SEED);
  for (let i = 0; i < iterations; i++) {
    digest = sha256(digest);
  }
  return digest;
}

export const handler = async (event) => {
  const n = iterationsFrom(event);
  return { success: true, workload: WORKLOAD, iterations: n, digest: chain(n).toString("hex") };
};
