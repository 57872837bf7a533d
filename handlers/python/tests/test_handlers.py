"""Tests of the Python handlers: cross-language vectors, bad events, and the light workload
against a real moto_server on 127.0.0.1. Run: python3 -m unittest discover -s handlers/python/tests
(scripts/test runs it for every Python 3.11+ it finds)."""

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
HANDLERS = HERE.parent
VECTORS = json.loads((HANDLERS.parent / "vectors.json").read_text())


def load(workload):
    spec = importlib.util.spec_from_file_location(f"lambench_{workload.replace('-', '_')}", HANDLERS / workload / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CpuIntensive(unittest.TestCase):
    def test_digests_match_vectors(self):
        cpu = load("cpu-intensive")
        for n in ("1", "2", "1000"):
            body = cpu.handler({"iterations": int(n)}, None)
            self.assertEqual(body["digest"], VECTORS["cpu_intensive"]["digests"][n], n)
            self.assertEqual((body["success"], body["workload"], body["iterations"]), (True, "cpu-intensive", int(n)))

    def test_bad_events_raise_the_contract_body(self):
        cpu = load("cpu-intensive")
        for event in ({"iterations": 0}, {"iterations": 10_000_001}, {"iterations": "many"}, {"iterations": True}, {"iterations": 2.5}):
            with self.assertRaises(cpu.WorkloadError) as ctx:
                cpu.handler(event, None)
            body = json.loads(str(ctx.exception))
            self.assertEqual((body["success"], body["workload"]), (False, "cpu-intensive"))
            self.assertIn("iterations", body["error"])


class MemoryIntensive(unittest.TestCase):
    def test_results_match_vectors(self):
        mem = load("memory-intensive")
        for m in ("1", "2"):
            body = mem.handler({"sizeMb": int(m)}, None)
            want = VECTORS["memory_intensive"]["results"][m]
            self.assertEqual({k: body[k] for k in want}, want, m)

    def test_order_is_spot_checked(self):
        mem = load("memory-intensive")
        values = list(range(10_000))
        self.assertTrue(mem.in_order(values))
        values[5_000], values[5_010] = values[5_010], values[5_000]  # 5,000 is a checked position
        self.assertFalse(mem.in_order(values))
        self.assertFalse(mem.in_order([1, 2, 3, 0]), "the last value is always checked")
        self.assertTrue(mem.in_order([7]))

    def test_values_are_uniform_30_bit(self):
        mem = load("memory-intensive")
        values = mem.fill(131072)
        self.assertLess(max(values), 2**30)
        self.assertGreaterEqual(min(values), 0)
        # Uniform: each eighth of the range holds about an eighth of the values.
        counts = [0] * 8
        for v in values:
            counts[v >> 27] += 1
        for c in counts:
            self.assertAlmostEqual(c / len(values), 1 / 8, delta=0.01)

    def test_bad_events(self):
        mem = load("memory-intensive")
        for event in ({"sizeMb": 0}, {"sizeMb": 4096}, {"sizeMb": "big"}):
            with self.assertRaises(mem.WorkloadError):
                mem.handler(event, None)


BLOCK_START = "# --- lambench environment"
BLOCK_END = "# --- end lambench environment ---"


def environment_block(workload):
    text = (HANDLERS / workload / "handler.py").read_text()
    start = text.index(BLOCK_START)
    return text[start:text.index(BLOCK_END, start)]


class Environment(unittest.TestCase):
    """The `environment` report of docs/handler-contract.md, in responses and error bodies."""

    def test_block_is_identical_in_every_handler(self):
        blocks = {w: environment_block(w) for w in ("cpu-intensive", "memory-intensive", "light")}
        self.assertEqual(len(set(blocks.values())), 1, "edit the environment block in all three handlers alike")

    def test_responses_count_invocations_of_one_environment(self):
        cpu = load("cpu-intensive")
        first = cpu.handler({"iterations": 1}, None)["environment"]
        second = cpu.handler({"iterations": 1}, None)["environment"]
        self.assertEqual((first["invocation"], second["invocation"]), (1, 2))
        self.assertEqual(first["id"], second["id"])
        self.assertEqual(first["cpuinfo"], second["cpuinfo"])
        other = load("cpu-intensive")
        self.assertNotEqual(other.handler({"iterations": 1}, None)["environment"]["id"], first["id"],
                            "a new environment gets a new id")
        with self.assertRaises(cpu.WorkloadError) as ctx:
            cpu.handler({"iterations": 0}, None)
        self.assertEqual(json.loads(str(ctx.exception))["environment"]["invocation"], 3,
                         "failed invocations count and report where they ran")

    def test_cpuinfo_holds_the_first_processors_fields(self):
        info = load("memory-intensive").handler({"sizeMb": 1}, None)["environment"]["cpuinfo"]
        if not Path("/proc/cpuinfo").exists():
            self.assertEqual(info, {})
            return
        self.assertTrue(set(info) <= {"model name", "flags", "CPU implementer", "CPU part", "Features"}, info)
        self.assertTrue("flags" in info or "Features" in info, info)
        first_block = Path("/proc/cpuinfo").read_text().split("\n\n")[0]
        for key, value in info.items():
            self.assertIn(f"{key}", first_block)
            self.assertIn(value, first_block)

    def test_log_stream_name_is_the_id_on_lambda(self):
        os.environ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/30/[$LATEST]0123456789abcdef"
        try:
            cpu = load("cpu-intensive")
        finally:
            del os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.assertEqual(cpu.handler({"iterations": 1}, None)["environment"]["id"], "2026/11/30/[$LATEST]0123456789abcdef")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Context:
    def __init__(self, request_id):
        self.aws_request_id = request_id


class Light(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("moto_server") is None:
            if os.environ.get("CI"):
                raise RuntimeError("moto_server is required under CI (pip install 'moto[server]')")
            raise unittest.SkipTest("moto_server not found; pip install 'moto[server]'")
        try:
            import boto3  # noqa: F401  (the Lambda runtime provides boto3; tests need it too)
        except ImportError:
            if os.environ.get("CI"):
                raise
            raise unittest.SkipTest(f"boto3 not installed for {sys.executable}")
        port = free_port()
        cls.server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        os.environ.update({
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/nonexistent/lambench-test",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/lambench-test",
            "DYNAMODB_TABLE_NAME": "lambench-light",
        })
        os.environ.pop("AWS_PROFILE", None)
        import boto3
        cls.client = boto3.client("dynamodb")
        cls.client.create_table(
            TableName="lambench-light",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.server.wait()

    def test_writes_and_reads_back_five_items(self):
        light = load("light")
        body = light.handler({}, Context("req-1"))
        self.assertEqual(body.pop("environment")["invocation"], 1)
        self.assertEqual(body, {"success": True, "workload": "light", "written": 5, "read": 5})
        light.handler({}, Context("req-2"))
        count = self.client.scan(TableName="lambench-light", Select="COUNT")["Count"]
        self.assertEqual(count, 10, "keys are unique per invocation")
        item = self.client.get_item(TableName="lambench-light", Key={"pk": {"S": "req-1#0"}}, ConsistentRead=True)["Item"]
        self.assertGreater(int(item["ttl"]["N"]), time.time() + 86_000)

    def test_missing_table_is_a_workload_error(self):
        light = load("light")
        light.TABLE = "no-such-table"
        with self.assertRaises(light.WorkloadError) as ctx:
            light.handler({}, Context("req-3"))
        self.assertIn("ResourceNotFound", json.loads(str(ctx.exception))["error"])


if __name__ == "__main__":
    unittest.main()
