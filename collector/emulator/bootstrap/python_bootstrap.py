"""lambench emulator: the Python runtime loop (what Lambda's own Python runtime does).

Loads $_HANDLER ("module.function") from $LAMBDA_TASK_ROOT, then loops on the Runtime API at
$AWS_LAMBDA_RUNTIME_API: GET next, call the handler, POST response or error. Standard library
only, so it runs on any Python 3.11+. It uses http.client on one kept-alive connection rather
than urllib.request, whose imports alone cost ~10 ms more of every Init Duration (measured).
"""

import http.client
import importlib
import json
import os
import sys
import time
import traceback

HOST, _, PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].partition(":")
BASE = "/2018-06-01/runtime"
CONNECTION = http.client.HTTPConnection(HOST, int(PORT or 80))


def request(method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    CONNECTION.request(method, BASE + path, body=body, headers=headers)
    response = CONNECTION.getresponse()
    return response, response.read()


def post(path, body):
    request("POST", path, json.dumps(body).encode())


def error_body(e):
    return {"errorMessage": str(e), "errorType": type(e).__name__, "stackTrace": traceback.format_exc().splitlines()}


class Context:
    def __init__(self, request_id, deadline_ms, arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    try:
        sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
        module_name, function_name = os.environ["_HANDLER"].rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as e:  # init failure: tell Lambda, then exit as the real runtime does
        post("/init/error", error_body(e))
        sys.exit(1)
    while True:
        r, raw = request("GET", "/invocation/next")
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        deadline = int(r.headers["Lambda-Runtime-Deadline-Ms"])
        arn = r.headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        event = json.loads(raw or b"null")
        try:
            result = handler(event, Context(request_id, deadline, arn))
        except Exception as e:
            post(f"/invocation/{request_id}/error", error_body(e))
            continue
        post(f"/invocation/{request_id}/response", result)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
