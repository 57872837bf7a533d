"""lambench cpu-intensive handler (Python 3.11+, standard library only).

Chained SHA-256: d0 = sha256(SEED), d(k+1) = sha256(d(k)) over the 32 raw digest bytes;
returns hex(dN). Contract: docs/handler-contract.md. No timing here: Lambda's REPORT line is
the measurement.
"""

import hashlib
import json
import os

WORKLOAD = "cpu-intensive"
SEED = b"lambench-cpu-intensive-v1"
DEFAULT_ITERATIONS = 500_000
MAX_ITERATIONS = 10_000_000


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
    """A bad event. The message is the contract's {"success": false, ...} body as JSON, so the
    Lambda error channel (FunctionError) carries it, with the environment report."""

    def __init__(self, message):
        self.body = {"success": False, "workload": WORKLOAD, "error": message, "environment": dict(ENVIRONMENT)}
        super().__init__(json.dumps(self.body))


def iterations_from(event):
    value = (event or {}).get("iterations")
    if value is None:
        return DEFAULT_ITERATIONS
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ITERATIONS:
        raise WorkloadError(f"iterations must be an integer from 1 to {MAX_ITERATIONS}, got {value!r}")
    return value


def chain(iterations):
    # The original benchmark's per-iteration call: hashlib.sha256 looked up once, a new hash
    # object and .digest() per iteration.
    sha256 = hashlib.sha256
    digest = sha256(SEED).digest()
    for _ in range(iterations):
        digest = sha256(digest).digest()
    return digest


def handler(event, context):
    environment = _next_invocation()
    n = iterations_from(event)
    return {"success": True, "workload": WORKLOAD, "iterations": n, "digest": chain(n).hex(), "environment": environment}
