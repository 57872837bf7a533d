"""lambench cpu-intensive handler (Python 3.11+, standard library only).

Chained SHA-256: d0 = sha256(SEED), d(k+1) = sha256(d(k)) over the 32 raw digest bytes;
returns hex(dN). Contract: docs/handler-contract.md. No timing here: Lambda's REPORT line is
the measurement.
"""

import hashlib
import json

WORKLOAD = "cpu-intensive"
SEED = b"lambench-cpu-intensive-v1"
DEFAULT_ITERATIONS = 500_000
MAX_ITERATIONS = 10_000_000


class WorkloadError(Exception):
    """A bad event. The message is the contract's {"success": false, ...} body as JSON, so the
    Lambda error channel (FunctionError) carries it."""

    def __init__(self, message):
        self.body = {"success": False, "workload": WORKLOAD, "error": message}
        super().__init__(json.dumps(self.body))


def iterations_from(event):
    value = (event or {}).get("iterations")
    if value is None:
        return DEFAULT_ITERATIONS
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ITERATIONS:
        raise WorkloadError(f"iterations must be an integer from 1 to {MAX_ITERATIONS}, got {value!r}")
    return value


def chain(iterations):
    sha256 = hashlib.sha256
    digest = sha256(SEED).digest()
    for _ in range(iterations):
        digest = sha256(digest).digest()
    return digest


def handler(event, context):
    n = iterations_from(event)
    return {"success": True, "workload": WORKLOAD, "iterations": n, "digest": chain(n).hex()}
