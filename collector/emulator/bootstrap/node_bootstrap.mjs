// lambench emulator: the Node.js runtime loop (what Lambda's own Node.js runtime does).
// Imports $LAMBDA_TASK_ROOT/<module>.mjs, exports `handler`, then loops on the Runtime API at
// $AWS_LAMBDA_RUNTIME_API: GET next, call the handler, POST response or error.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const base = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const post = (path, body) =>
  fetch(base + path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const errorBody = (e) => ({ errorMessage: String(e?.message ?? e), errorType: e?.name ?? "Error", stackTrace: String(e?.stack ?? "").split("\n") });

let handler;
try {
  const [moduleName, functionName] = process.env._HANDLER.split(".");
  const mod = await import(pathToFileURL(join(process.env.LAMBDA_TASK_ROOT, `${moduleName}.mjs`)).href);
  handler = mod[functionName];
  if (typeof handler !== "function") throw new Error(`${process.env._HANDLER} is not a function`);
} catch (e) {
  await post("/init/error", errorBody(e));
  process.exit(1);
}
for (;;) {
  const next = await fetch(`${base}/invocation/next`);
  const requestId = next.headers.get("lambda-runtime-aws-request-id");
  const deadline = Number(next.headers.get("lambda-runtime-deadline-ms"));
  const event = await next.json();
  const context = {
    awsRequestId: requestId,
    invokedFunctionArn: next.headers.get("lambda-runtime-invoked-function-arn"),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    await post(`/invocation/${requestId}/response`, result ?? null);
  } catch (e) {
    await post(`/invocation/${requestId}/error`, errorBody(e));
  }
}
