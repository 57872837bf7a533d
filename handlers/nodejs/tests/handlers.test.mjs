// Tests of the Node.js handlers: cross-language vectors, bad events, and the light workload
// against a real moto_server on 127.0.0.1. Run: node --test handlers/nodejs/tests/handlers.test.mjs
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { after, before, describe, test } from "node:test";

const vectors = JSON.parse(readFileSync(new URL("../../vectors.json", import.meta.url)));

describe("cpu-intensive", async () => {
  const cpu = await import("../cpu-intensive/index.mjs");
  test("digests match the vectors", async () => {
    for (const n of ["1", "2", "1000"]) {
      const body = await cpu.handler({ iterations: Number(n) });
      assert.equal(body.digest, vectors.cpu_intensive.digests[n], `N = ${n}`);
      assert.deepEqual([body.success, body.workload, body.iterations], [true, "cpu-intensive", Number(n)]);
    }
  });
  test("bad events reject with the contract body", async () => {
    for (const event of [{ iterations: 0 }, { iterations: 10_000_001 }, { iterations: "many" }, { iterations: 2.5 }]) {
      await assert.rejects(cpu.handler(event), (e) => {
        assert.equal(e.name, "WorkloadError");
        const body = JSON.parse(e.message);
        assert.deepEqual([body.success, body.workload], [false, "cpu-intensive"]);
        return body.error.includes("iterations");
      });
    }
  });
});

describe("memory-intensive", async () => {
  const mem = await import("../memory-intensive/index.mjs");
  test("results match the vectors", async () => {
    for (const m of ["1", "2"]) {
      const body = await mem.handler({ sizeMb: Number(m) });
      const want = vectors.memory_intensive.results[m];
      for (const k of Object.keys(want)) assert.equal(body[k], want[k], `M = ${m}, ${k}`);
    }
  });
  test("bad events reject", async () => {
    for (const event of [{ sizeMb: 0 }, { sizeMb: 4096 }, { sizeMb: "big" }]) {
      await assert.rejects(mem.handler(event), { name: "WorkloadError" });
    }
  });
});

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const waitFor = async (port) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise((r) => {
      const c = connect(port, "127.0.0.1", () => (c.end(), r(true))).on("error", () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`moto_server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const motoInstalled = spawnSync("moto_server", ["--help"]).status === 0;
let sdkInstalled = true;
try {
  await import("@aws-sdk/client-dynamodb");
} catch {
  sdkInstalled = false;
}
const skipLight = !motoInstalled
  ? "moto_server not found (pip install 'moto[server]')"
  : !sdkInstalled
    ? "@aws-sdk/client-dynamodb not installed (npm ci in handlers/nodejs)"
    : false;
if (skipLight && process.env.CI) throw new Error(`light test needs its server under CI: ${skipLight}`);

describe("light", { skip: skipLight }, () => {
  let server;
  let sdk;
  before(async () => {
    const port = await freePort();
    server = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    await waitFor(port);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/nonexistent/lambench-test",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/lambench-test",
      DYNAMODB_TABLE_NAME: "lambench-light",
    });
    delete process.env.AWS_PROFILE;
    sdk = await import("@aws-sdk/client-dynamodb");
    const client = new sdk.DynamoDBClient({});
    await client.send(
      new sdk.CreateTableCommand({
        TableName: "lambench-light",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(() => server?.kill());

  test("writes and reads back five items", async () => {
    const light = await import("../light/index.mjs");
    assert.deepEqual(await light.handler({}, { awsRequestId: "req-1" }), {
      success: true, workload: "light", written: 5, read: 5,
    });
    await light.handler({}, { awsRequestId: "req-2" });
    const client = new sdk.DynamoDBClient({});
    const scan = await client.send(new sdk.ScanCommand({ TableName: "lambench-light", Select: "COUNT" }));
    assert.equal(scan.Count, 10, "keys are unique per invocation");
  });

  test("a missing table is a WorkloadError", async () => {
    const light = await import("../light/index.mjs");
    process.env.DYNAMODB_TABLE_NAME = "no-such-table";
    try {
      await assert.rejects(light.handler({}, { awsRequestId: "req-3" }), (e) => JSON.parse(e.message).error.includes("ResourceNotFound"));
    } finally {
      process.env.DYNAMODB_TABLE_NAME = "lambench-light";
    }
  });
});
