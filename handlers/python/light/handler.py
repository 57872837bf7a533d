"""lambench light handler: DynamoDB BatchWriteItem of 5 items, then a consistent BatchGetItem of
the same keys, retrying unprocessed items/keys with exponential backoff.

boto3 comes with the Lambda Python runtime. The client is created at module load, as a real
function would; its endpoint follows AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL. Keys are
unique per invocation (<request id>#<i>); items carry `ttl` 24 h ahead.
Contract: docs/handler-contract.md.
"""

import json
import os
import time

import boto3

WORKLOAD = "light"
ITEMS = 5
MAX_ATTEMPTS = 8

TABLE = os.environ.get("DYNAMODB_TABLE_NAME", "")
dynamodb = boto3.client("dynamodb")


# --- lambench environment: identical in every Python handler (the tests check), so each
# deployment zip stays one file. docs/handler-contract.md, "Where the sample ran". Read once per
# execution environment, at init; the CPU fields are decoded by the collector.
_CPUINFO_FIELDS = ("model name", "flags", "CPU implementer", "CPU part", "Features")


def _cpuinfo():
    """The first processor's identifying fields of /proc/cpuinfo; {} where it cannot be read."""
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, colon, value = line.partition(":")
                if not colon:
                    if fields:
                        break  # a blank line ends the first processor's block
                    continue
                key = key.strip()
                if key in _CPUINFO_FIELDS and key not in fields:
                    fields[key] = value.strip()
    except OSError:
        pass
    return fields


ENVIRONMENT = {
    "id": os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME") or os.urandom(16).hex(),
    "invocation": 0,
    "cpuinfo": _cpuinfo(),
}


def _next_invocation():
    """Counts the invocation about to run; returns the report its response carries."""
    ENVIRONMENT["invocation"] += 1
    return dict(ENVIRONMENT)
# --- end lambench environment ---


class WorkloadError(Exception):
    """A failed invocation; the message is the contract's error body as JSON."""

    def __init__(self, message):
        self.body = {"success": False, "workload": WORKLOAD, "error": message, "environment": dict(ENVIRONMENT)}
        super().__init__(json.dumps(self.body))


def backoff(attempt):
    time.sleep(0.025 * (2 ** min(attempt, 6)))


def write_items(table, keys, ttl):
    requests = [
        {"PutRequest": {"Item": {
            "pk": {"S": key},
            "n": {"N": str(n)},
            "ttl": {"N": str(ttl)},
            "payload": {"S": f"lambench light item {n}"},
        }}}
        for n, key in enumerate(keys)
    ]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        out = dynamodb.batch_write_item(RequestItems={table: requests})
        requests = out.get("UnprocessedItems", {}).get(table, [])
        if not requests:
            return
        if attempt < MAX_ATTEMPTS:
            backoff(attempt)
    raise WorkloadError(f"{len(requests)} items still unprocessed after {MAX_ATTEMPTS} BatchWriteItem calls")


def read_items(table, keys):
    pending = [{"pk": {"S": key}} for key in keys]
    found = 0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        out = dynamodb.batch_get_item(RequestItems={table: {"Keys": pending, "ConsistentRead": True}})
        found += len(out.get("Responses", {}).get(table, []))
        pending = out.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if not pending:
            return found
        if attempt < MAX_ATTEMPTS:
            backoff(attempt)
    raise WorkloadError(f"{len(pending)} keys still unprocessed after {MAX_ATTEMPTS} BatchGetItem calls")


def handler(event, context):
    environment = _next_invocation()
    table = TABLE or os.environ.get("DYNAMODB_TABLE_NAME", "")
    if not table:
        raise WorkloadError("DYNAMODB_TABLE_NAME is not set")
    request_id = getattr(context, "aws_request_id", None) or f"local-{time.time_ns()}"
    keys = [f"{request_id}#{i}" for i in range(ITEMS)]
    try:
        write_items(table, keys, int(time.time()) + 86_400)
        found = read_items(table, keys)
    except WorkloadError:
        raise
    except Exception as e:  # botocore ClientError and friends: report, don't crash the runtime
        raise WorkloadError(f"{type(e).__name__}: {e}") from e
    if found < ITEMS:
        raise WorkloadError(f"read back {found} of {ITEMS} items just written")
    return {"success": True, "workload": WORKLOAD, "written": ITEMS, "read": found, "environment": environment}
