// lambench light handler: DynamoDB BatchWriteItem of 5 items, then a consistent BatchGetItem of
// the same keys, retrying unprocessed items/keys with exponential backoff.
// @aws-sdk/client-dynamodb (v3) comes with the Lambda Node.js runtime. The client is created at
// module load, as a real function would; its endpoint follows AWS_ENDPOINT_URL_DYNAMODB /
// AWS_ENDPOINT_URL. Keys are unique per invocation (<request id>#<i>); items carry `ttl` 24 h
// ahead. Contract: docs/handler-contract.md.
import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const WORKLOAD = "light";
const ITEMS = 5;
const MAX_ATTEMPTS = 8;
const client = new DynamoDBClient({});

export class WorkloadError extends Error {
  constructor(message) {
    const body = { success: false, workload: WORKLOAD, error: message };
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
  return { success: true, workload: WORKLOAD, written: ITEMS, read: found };
};
