// lambench light handler: DynamoDB BatchWriteItem of 5 items, then a consistent BatchGetItem of
// the same keys, retrying unprocessed items/keys with exponential backoff.
// @aws-sdk/client-dynamodb (v3) comes with the Lambda Node.js runtime. The client is created at
// module load, as a real function would; its endpoint follows AWS_ENDPOINT_URL_DYNAMODB /
// AWS_ENDPOINT_URL. Keys are unique per invocation (<request id>#<i>); items carry `ttl` 24 h
// ahead. Contract: docs/handler-contract.md.
import { readFileSync } from "node:fs";
import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const WORKLOAD = "light";
const ITEMS = 5;
const MAX_ATTEMPTS = 8;
const client = new DynamoDBClient({});

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

const backoff = (attempt) => new Promise((r) => setTimeout(r, 25 * 2 ** Math.min(attempt, 6)));

async function writeItems(table, keys, ttl) {
  let requests = keys.map((key, n) => ({
    PutRequest: {
      Item: { pk: { S: key }, n: { N: String(n) }, ttl: { N: String(ttl) }, payload: { S: `lambench light item ${n}` } },
    },
  }));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
    requests = out.UnprocessedItems?.[table] ?? [];
    if (requests.length === 0) return;
    if (attempt < MAX_ATTEMPTS) await backoff(attempt);
  }
  throw new WorkloadError(`${requests.length} items still unprocessed after ${MAX_ATTEMPTS} BatchWriteItem calls`);
}

async function readItems(table, keys) {
  let pending = keys.map((key) => ({ pk: { S: key } }));
  let found = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const out = await client.send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    found += out.Responses?.[table]?.length ?? 0;
    pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    if (pending.length === 0) return found;
    if (attempt < MAX_ATTEMPTS) await backoff(attempt);
  }
  throw new WorkloadError(`${pending.length} keys still unprocessed after ${MAX_ATTEMPTS} BatchGetItem calls`);
}

export const handler = async (event, context) => {
  const environment = nextInvocation();
  const table = process.env.DYNAMODB_TABLE_NAME;
  if (!table) throw new WorkloadError("DYNAMODB_TABLE_NAME is not set");
  const requestId = context?.awsRequestId ?? `local-${process.hrtime.bigint()}`;
  const keys = Array.from({ length: ITEMS }, (_, i) => `${requestId}#${i}`);
  let found;
  try {
    await writeItems(table, keys, Math.floor(Date.now() / 1000) + 86_400);
    found = await readItems(table, keys);
  } catch (e) {
    if (e instanceof WorkloadError) throw e;
    throw new WorkloadError(`${e.name}: ${e.message}`);
  }
  if (found < ITEMS) throw new WorkloadError(`read back ${found} of ${ITEMS} items just written`);
  return { success: true, workload: WORKLOAD, written: ITEMS, read: found, environment };
};
