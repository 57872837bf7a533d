"""lambench memory-intensive handler (Python 3.11+, standard library only).

Fills sizeMb MiB worth of 64-bit integers (sizeMb * 131072 values) from a 64-bit LCG
(x = x * A + C mod 2^64 from x = 42; each value x >> 34, uniform in [0, 2^30) as the original
benchmark's random.getrandbits(30)), sorts ascending, spot-checks the order, and returns count,
min, median (sorted[count // 2]) and max. Contract: docs/handler-contract.md. Python holds the values in a
list (an int object per value): that memory cost is part of what this workload measures.
"""

import json
import os
from itertools import islice
from operator import le

WORKLOAD = "memory-intensive"
SEED = 42
A = 6364136223846793005
C = 1442695040888963407
MASK = (1 << 64) - 1
# The top 30 bits: values below 2^30, as the original benchmark draws them. CPython's sort
# compares such single-digit ints on a fast path (measured 2x faster than 53-bit values).
SHIFT = 34
# Evenly spaced values re-checked after the sort: O(1000) like the original benchmark's hash of
# its first 1000 values; a full pass would add a quarter to Python's time (6 s of 21 s measured).
CHECKS = 1000
DEFAULT_SIZE_MB = 100
MAX_SIZE_MB = 2048


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
    """A bad event or a failed check; the message is the contract's error body as JSON."""

    def __init__(self, message):
        self.body = {"success": False, "workload": WORKLOAD, "error": message, "environment": dict(ENVIRONMENT)}
        super().__init__(json.dumps(self.body))


def size_from(event):
    value = (event or {}).get("sizeMb")
    if value is None:
        return DEFAULT_SIZE_MB
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE_MB:
        raise WorkloadError(f"sizeMb must be an integer from 1 to {MAX_SIZE_MB}, got {value!r}")
    return value


def fill(count):
    values = [0] * count
    x = SEED
    for i in range(count):
        x = (x * A + C) & MASK
        values[i] = x >> SHIFT
    return values


def in_order(values):
    """Whether every (len // CHECKS)-th value, and the last, are in ascending order."""
    sample = values[:: max(1, len(values) // CHECKS)]
    sample.append(values[-1])
    return all(map(le, sample, islice(sample, 1, None)))


def handler(event, context):
    environment = _next_invocation()
    size = size_from(event)
    count = size * 1024 * 1024 // 8
    values = fill(count)
    values.sort()
    if not in_order(values):
        raise WorkloadError("array not sorted after sort")
    return {
        "success": True,
        "workload": WORKLOAD,
        "sizeMb": size,
        "count": count,
        "min": values[0],
        "median": values[count // 2],
        "max": values[-1],
        "environment": environment,
    }
