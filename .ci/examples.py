#!/usr/bin/env python3
"""Every example in the spec must be valid for its schema (JSON Schema
2020-12, as OpenAPI 3.1 uses it). The examples are captured from a real
server (tests/api/examples.rs); this catches one that no longer fits the
schema it illustrates."""

import json
import sys

from jsonschema import Draft202012Validator, FormatChecker

spec = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "openapi/openapi.json"))
failures = []
checked = 0


def check(where, media):
    global checked
    schema = media.get("schema")
    if schema is None or "example" not in media:
        return
    # References are `#/components/...`: resolve them against a root that holds the components.
    root = {"components": spec.get("components", {}), "allOf": [schema]}
    example = media["example"]
    errors = sorted(
        Draft202012Validator(root, format_checker=FormatChecker()).iter_errors(example),
        key=lambda e: list(e.absolute_path),
    )
    checked += 1
    for error in errors[:3]:
        path = "/".join(str(p) for p in error.absolute_path)
        failures.append(f"{where}: at '{path}': {error.message[:300]}")


for path, item in spec["paths"].items():
    for method, operation in item.items():
        if not isinstance(operation, dict):
            continue
        for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
            check(f"{method.upper()} {path} request {content_type}", media)
        for status, response in operation.get("responses", {}).items():
            for content_type, media in response.get("content", {}).items():
                check(f"{method.upper()} {path} {status} {content_type}", media)

print(f"examples checked against their schemas: {checked}, failing: {len(failures)}")
for failure in failures:
    print("  " + failure)
sys.exit(1 if failures else 0)
