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
  test("the order is spot-checked", () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => i);
    assert.ok(mem.inOrder(values));
    [values[5_000], values[5_010]] = [values[5_010], values[5_000]]; // 5,000 is a checked position
    assert.ok(!mem.inOrder(values));
    assert.ok(!mem.inOrder(Float64Array.from([1, 2, 3, 0])), "the last value is always checked");
    assert.ok(mem.inOrder(Float64Array.from([7])));
  });
  test("values are uniform 30-bit integers", () => {
    const values = mem.fill(131072);
    const counts = new Array(8).fill(0);
    for (const v of values) {
      assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 30, `${v}`);
      counts[Math.floor(v / 2 ** 27)] += 1;
    }
    for (const c of counts) assert.ok(Math.abs(c / values.length - 1 / 8) < 0.01, `${counts}`);
  });
});

const BLOCK_START = "// --- lambench environment";
const BLOCK_END = "// --- end lambench environment ---";
const environmentBlock = (workload) => {
  const text = readFileSync(new URL(`../${workload}/index.mjs`, import.meta.url), "utf8");
  const start = text.indexOf(BLOCK_START);
  assert.ok(start >= 0, `${workload} has the environment block`);
  return text.slice(start, text.indexOf(BLOCK_END, start));
};

describe("environment report (docs/handler-contract.md)", async () => {
  test("the block is identical in every handler", () => {
    const blocks = new Set(["cpu-intensive", "memory-intensive", "light"].map(environmentBlock));
    assert.equal(blocks.size, 1, "edit the environment block in all three handlers alike");
  });
  test("responses count the invocations of one environment", async () => {
    const cpu = await import("../cpu-intensive/index.mjs?environment-test");
    const first = (await cpu.handler({ iterations: 1 })).environment;
    const second = (await cpu.handler({ iterations: 1 })).environment;
    assert.deepEqual([first.invocation, second.invocation], [1, 2]);
    assert.equal(first.id, second.id);
    assert.deepEqual(first.cpuinfo, second.cpuinfo);
    const other = await import("../cpu-intensive/index.mjs?another-environment");
    assert.notEqual((await other.handler({ iterations: 1 })).environment.id, first.id, "a new environment gets a new id");
    await assert.rejects(cpu.handler({ iterations: 0 }), (e) => JSON.parse(e.message).environment.invocation === 3);
  });
  test("cpuinfo holds the first processor's fields", async () => {
    const mem = await import("../memory-intensive/index.mjs?cpuinfo-test");
    const info = (await mem.handler({ sizeMb: 1 })).environment.cpuinfo;
    let text;
    try {
      text = readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      assert.deepEqual(info, {});
      return;
    }
    const allowed = new Set(["model name", "flags", "CPU implementer", "CPU part", "Features"]);
    for (const key of Object.keys(info)) assert.ok(allowed.has(key), key);
    assert.ok("flags" in info || "Features" in info, JSON.stringify(info));
    const firstBlock = text.split("\n\n")[0];
    for (const value of Object.values(info)) assert.ok(firstBlock.includes(value), value);
  });
  test("the log stream name is the id on Lambda", async () => {
    process.env.AWS_LAMBDA_LOG_STREAM_NAME = "2026/11/30/[$LATEST]0123456789abcdef";
    try {
      const cpu = await import("../cpu-intensive/index.mjs?log-stream-test");
      assert.equal((await cpu.handler({ iterations: 1 })).environment.id, "2026/11/30/[$LATEST]0123456789abcdef");
    } finally {
      delete process.env.AWS_LAMBDA_LOG_STREAM_NAME;
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
    const { environment, ...body } = await light.handler({}, { awsRequestId: "req-1" });
    assert.equal(environment.invocation, 1);
    assert.deepEqual(body, { success: true, workload: "light", written: 5, read: 5 });
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
