"""lambench memory-intensive handler (Python 3.11+, standard library only).

Fills sizeMb MiB worth of 64-bit integers (sizeMb * 131072 values) from a 64-bit LCG
(x = x * A + C mod 2^64 from x = 42; each value x >> 11, below 2^53), sorts ascending, verifies,
and returns count, min, median (sorted[count // 2]) and max. Contract: docs/handler-contract.md.
Python holds the values in a list (an int object per value): that memory cost is part of what
this workload measures.
"""

import json
from itertools import islice
from operator import le

WORKLOAD = "memory-intensive"
SEED = 42
A = 6364136223846793005
C = 1442695040888963407
MASK = (1 << 64) - 1
DEFAULT_SIZE_MB = 100
MAX_SIZE_MB = 2048


class WorkloadError(Exception):
    """A bad event or a failed check; the message is the contract's error body as JSON."""

    def __init__(self, message):
        self.body = {"success": False, "workload": WORKLOAD, "error": message}
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
        values[i] = x >> 11
    return values


def handler(event, context):
    size = size_from(event)
    count = size * 1024 * 1024 // 8
    values = fill(count)
    values.sort()
    if not all(map(le, values, islice(values, 1, None))):
        raise WorkloadError("array not sorted after sort")
    return {
        "success": True,
        "workload": WORKLOAD,
        "sizeMb": size,
        "count": count,
        "min": values[0],
        "median": values[count // 2],
        "max": values[-1],
    }
