#!/usr/bin/env python3
"""Hostile input against every operation of the live server's OpenAPI spec.

Usage: hostile.py BASE_URL   (e.g. http://127.0.0.1:18284)
Environment:
  HOSTILE_ADMIN_KEY        a key with the admin scope (required)
  HOSTILE_WRITE_KEY        a key with only the write scope (optional)
  HOSTILE_OWN_KEY_NAMES    comma-separated names of the keys above, never
                           revoked by the suite (default "hostile,hostile-write")
  HOSTILE_ALLOW_UNBOUNDED  1: list unbounded spec members without failing
  HOSTILE_STRICT_PROTOCOL  1: count the HTTP parser's own bare 4xx as failures
  HOSTILE_VERBOSE          1: print every case
  HOSTILE_ONLY             a regular expression: only the operations ("POST /api/v1/people")
                           it matches, and no undeclared-method cases
  HOSTILE_SKIP             a regular expression: cases whose "METHOD /path | label" it
                           matches are not sent (counted and listed as skipped)
  HOSTILE_MAX_SECONDS      stop (and fail) after this long (default 300)

The cases are generated from /openapi.json, so a new operation, parameter or
body member is covered without a new test. For every operation (path +
method, none skipped) a baseline request is built (path parameters filled with
real ids or slugs found by listing the collection the parameter belongs to,
required members from the spec's examples, the admin key) and then one input
at a time is replaced by something hostile: over-long strings, many words,
control characters, NUL, broken percent-encoding, wrong enums and types, huge
arrays, forged cursors, out-of-range numbers, odd headers and keys, and whole
request attacks (encoded path segments and query names, deep JSON nesting,
bodies that are not JSON, too large, with duplicate or unknown members).

Each answer must be:
  * below 500;
  * a 4xx as application/problem+json whose `status` is the HTTP status,
    unless the spec documents that status for the operation with another
    content type only (the HTML pages' 404): then one of those types;
  * a 2xx or 3xx only if the spec documents it for the operation;
  * not a 415 for a body of a media type the spec lists for the operation
    (reported once per operation and type);
  * not a 2xx for a value that breaks an explicit rule of the spec
    (maxLength, minLength of a body member, maxItems, minimum, maximum, enum,
    type, a required member sent as null, an unknown member where
    additionalProperties is false, a malformed If-Match): "accepted".
After every case the server must still answer GET /healthz. A case of a
write operation (any method but GET/HEAD) answered with anything but a 2xx
must have written nothing: no new audit entry (read after every such case),
and GET /api/v1/export (admin) byte for byte and the key list (without
last_used_at) as they were. Those two are compared after every 2xx (which
becomes the new reference; what changed must be rows its own audit entries
name) and every 25 error answers; a difference sends those error cases again
one by one, a snapshot around each, to name the one that wrote.

Protocol-level answers: a request the HTTP parser itself refuses (a request
line over actix's limit, a control byte in a header) is answered by actix
with an empty 4xx that never reached the application (no X-Request-Id).
Those are printed as NOTE and pass, unless HOSTILE_STRICT_PROTOCOL=1.

Not sent: raw CR, LF or NUL inside a header value (that is not a header
value but a broken or different request), raw control bytes in the request
line (sent percent-encoded instead, which is what reaches the application).

Spec bounds: every string parameter or string body member (after resolving
$ref, allOf, oneOf, anyOf, nested objects and array items) must have a
maxLength, every array a maxItems, every integer a maximum. Exempt: strings
with an enum (bounded by it) and strings of format date or date-time
(bounded by their grammar), and members whose schema is a free-form object
(nothing to bound by name). Header parameters count too, and so does a
request body media type with no schema at all.

Order: reads, then creates, updates, archives (an archive that answers 2xx
is undone with the spec's POST .../restore when there is one, so the cases
after it still reach a live record), then restores. Writes use ids, reads
slugs where there are any.

The last line is "N passed, M failed": N cases passed every check; M counts
failure lines (one case may fail several checks; each unbounded spec member
is one). The exit status is 1 if M > 0.
"""

import base64
import copy
import datetime
import json
import os
import random
import re
import socket
import sys
import time
import urllib.parse

RNG = random.Random(20261130)
TIMEOUT = 45.0  # seconds for one request; the server's own limit is 30 s
SLOW = 5.0  # a case slower than this is noted
CASE_LIMIT = 20000  # a bound on the whole suite, far above what it generates
BATCH = 25  # write cases between two full state comparisons, at most

# ---------------------------------------------------------------- HTTP ----


class Response:
    def __init__(self, status, reason, headers, body, raw_len, elapsed):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-cased name -> last value
        self.body = body
        self.raw_len = raw_len
        self.elapsed = elapsed

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except Exception:
            return None


class NoAnswer(Exception):
    pass


class Client:
    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        if url.scheme != "http":
            raise SystemExit("only http:// base URLs")
        self.host = url.hostname
        self.port = url.port or 80

    def request(self, method, target, headers=(), body=None, timeout=TIMEOUT):
        """One request on its own connection. `target` is the request target
        exactly as sent (str of ASCII, or bytes); header values are str or bytes."""
        if isinstance(target, str):
            target = target.encode("ascii")
        head = [method.encode() + b" " + target + b" HTTP/1.1",
                b"Host: %s:%d" % (self.host.encode(), self.port),
                b"Connection: close"]
        for name, value in headers:
            if isinstance(value, str):
                value = value.encode("utf-8")
            head.append(name.encode() + b": " + value)
        if body is not None:
            head.append(b"Content-Length: %d" % len(body))
        raw = b"\r\n".join(head) + b"\r\n\r\n" + (body or b"")
        start = time.monotonic()
        deadline = start + timeout
        try:
            sock = socket.create_connection((self.host, self.port), timeout=5)
        except OSError as e:
            raise NoAnswer(f"connect: {e}")
        data = bytearray()
        try:
            sock.settimeout(timeout)
            try:
                sock.sendall(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413) before reading everything
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NoAnswer(f"no complete answer in {timeout:.0f} s")
                sock.settimeout(remaining)
                try:
                    chunk = sock.recv(262144)
                except ConnectionResetError:
                    break
                except socket.timeout:
                    raise NoAnswer(f"no complete answer in {timeout:.0f} s")
                if not chunk:
                    break
                data += chunk
                if len(data) > 256 * 1024 * 1024:
                    raise NoAnswer("answer over 256 MiB")
                if complete(data, method):
                    break  # no need to wait for the server to close
        finally:
            sock.close()
        elapsed = time.monotonic() - start
        if not data:
            raise NoAnswer("connection closed without an answer")
        return parse_response(bytes(data), elapsed)


def complete(data, method):
    """Whether data holds a whole response (so far as its head tells)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = bytes(data[:end]).lower()
    status = head[9:12]
    if method == "HEAD" or status in (b"204", b"304") or status.startswith(b"1"):
        return True
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", head)
    if m:
        return len(data) - end - 4 >= int(m.group(1))
    if re.search(rb"\r\ntransfer-encoding:\s*chunked", head):
        return data.endswith(b"0\r\n\r\n")
    return False


def parse_response(data, elapsed):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise NoAnswer("answer without a complete head: %r" % data[:200])
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        raise NoAnswer("bad status line %r" % lines[0][:200])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    body = rest
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(rest)
    elif "content-length" in headers:
        try:
            body = rest[: int(headers["content-length"])]
        except ValueError:
            pass
    reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
    return Response(status, reason, headers, body, len(data), elapsed)


def dechunk(data):
    out = bytearray()
    pos = 0
    for _ in range(1_000_000):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(data[pos:end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[end + 2:end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


# ---------------------------------------------------------------- spec ----


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def deref(self, node, seen=None):
        """Follows local $refs; returns the target (a dict) or the node."""
        for _ in range(50):
            if not isinstance(node, dict) or "$ref" not in node:
                return node
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return {}
            target = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, dict) else {}
            # Siblings of $ref (3.1 allows them) refine the target.
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **extra} if extra else target
        return node

    def flatten(self, schema, depth=0):
        """One schema with `type` (a single non-null type or None), `nullable`,
        and allOf/oneOf/anyOf folded in: properties and required merged,
        the first non-null alternative's keywords otherwise."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return {"type": None, "nullable": False}
        out = {k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")}
        nullable = bool(schema.get("nullable"))
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            non_null = [t for t in types if t != "null"]
            out["type"] = non_null[0] if non_null else None
        elif types == "null":
            nullable = True
            out["type"] = None
        if depth < 10:
            for sub in schema.get("allOf", []):
                f = self.flatten(sub, depth + 1)
                merge(out, f)
                nullable = nullable or f["nullable"]
            alternatives = [self.flatten(s, depth + 1) for s in schema.get("oneOf", []) + schema.get("anyOf", [])]
            for f in alternatives:
                nullable = nullable or f["nullable"] or f.get("type") is None and not f.get("properties") and not f.get("enum")
            real = [f for f in alternatives if f.get("type") or f.get("properties") or f.get("enum")]
            for f in real:
                merge(out, f, keep_first=True)
        if not out.get("type"):
            if out.get("properties"):
                out["type"] = "object"
            elif "enum" in out and out["enum"]:
                out["type"] = json_type(out["enum"][0])
            elif "items" in out:
                out["type"] = "array"
        out.setdefault("type", None)
        out["nullable"] = nullable
        return out

    def operations(self):
        ops = []
        for path, item in self.doc.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method not in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                    continue
                params = {}
                for p in shared + op.get("parameters", []):
                    p = self.deref(p)
                    params[(p.get("name"), p.get("in"))] = p
                ops.append(Operation(self, path, method.upper(), op, list(params.values())))
        return ops


def merge(into, other, keep_first=False):
    for key, value in other.items():
        if key == "properties":
            props = dict(into.get("properties", {}))
            for name, sub in value.items():
                if not (keep_first and name in props):
                    props[name] = sub
            into["properties"] = props
        elif key == "required":
            into["required"] = sorted(set(into.get("required", [])) | set(value))
        elif key == "nullable":
            continue
        elif key == "type":
            if value and not into.get("type"):
                into["type"] = value
        elif not (keep_first and key in into):
            into[key] = value


def json_type(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Operation:
    def __init__(self, spec, path, method, op, params):
        self.spec = spec
        self.path = path
        self.method = method
        self.op = op
        self.params = params
        self.responses = op.get("responses", {})
        self.body_content = {}
        body = spec.deref(op.get("requestBody", {}))
        for ctype, media in (body.get("content") or {}).items():
            self.body_content[ctype] = media.get("schema")  # None: the spec gives no schema
        self.body_required = bool(body.get("required"))

    def __str__(self):
        return f"{self.method} {self.path}"

    def documented(self, status):
        s = str(status)
        return s in self.responses or f"{s[0]}XX" in self.responses or "default" in self.responses

    def documented_types(self, status):
        """Content types the spec gives for this status (None: not documented)."""
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.responses:
                resp = self.spec.deref(self.responses[key])
                return list((resp.get("content") or {}).keys())
        return None

    def param_schema(self, p):
        schema = p.get("schema")
        if schema is None and p.get("content"):
            schema = next(iter(p["content"].values())).get("schema", {})
        return self.spec.flatten(schema or {})

    def is_write(self):
        return self.method not in ("GET", "HEAD", "OPTIONS")


# ------------------------------------------------------------ values -----

CONTROLS = [("CRLF", "\r\n"), ("TAB", "\t"), ("ESC", "\x1b"), ("DEL", "\x7f"),
            ("U+2028", "\u2028"), ("NUL", "\x00")]
# Characters that mean something to a query language (FTS5, LIKE, tsquery).
SYNTAX = ['"', "'", "*", "NEAR(a b)", "a OR b", "a AND NOT b", "title:x", "^a", "(", ")",
          "\\", "%", "_", "%_%", "-a", "{a b}:c", "a*", 'a"b', "'; DROP TABLE people; --", ":*", "&|!"]
BROKEN_PERCENT = ["%", "%zz", "%C3%28", "%FF%FE", "%E2%82", "%%", "%u0041", "%0"]
UNICODE_ODD = [("RTL override", "a\u202eb"), ("zero width", "\u200b\u200b"), ("combining x1000", "a" + "\u0301" * 1000),
               ("astral", "\U0001F600" * 10), ("BOM", "\ufeffa"), ("replacement", "\ufffd")]


def pe(text):
    """Percent-encodes text for a path segment or query value (UTF-8)."""
    return urllib.parse.quote(text, safe="")


def words(n):
    return "+".join(f"w{i}x" for i in range(n))


def sample(spec, schema, name="", depth=0):
    """A value that fits the schema as well as the spec tells."""
    f = spec.flatten(schema)
    if "example" in f:
        return f["example"]
    if isinstance(f.get("examples"), list) and f["examples"]:
        return f["examples"][0]
    if "const" in f:
        return f["const"]
    if f.get("enum"):
        return f["enum"][0]
    if "default" in f and f["default"] is not None:
        return f["default"]
    t = f.get("type")
    if t == "string":
        fmt = f.get("format", "")
        by_format = {"date": "2024-05-17", "date-time": "2024-05-17T10:00:00Z", "email": "hostile@example.org",
                     "uri": "https://example.org/hostile", "url": "https://example.org/hostile",
                     "uuid": "01900000-0000-7000-8000-000000000000"}
        if fmt in by_format:
            return by_format[fmt]
        lname = name.lower()
        for hint, value in (("country", "US"), ("language", "en"), ("timezone", "America/New_York"),
                            ("time_zone", "America/New_York"), ("email", "hostile@example.org"),
                            ("url", "https://example.org/hostile"), ("website", "https://example.org/"),
                            ("phone", "+1 202 555 0100")):
            if hint in lname:
                return value
        value = "hostile"
        if f.get("minLength", 0) > len(value):
            value = value * (f["minLength"] // len(value) + 1)
        if f.get("maxLength") is not None:
            value = value[: f["maxLength"]]
        return value
    if t == "integer":
        lo, hi = f.get("minimum"), f.get("maximum")
        return lo if lo is not None else (min(1, hi) if hi is not None else 1)
    if t == "number":
        return f.get("minimum", 1)
    if t == "boolean":
        return False
    if t == "array":
        n = f.get("minItems", 0)
        return [sample(spec, f.get("items", {}), name, depth + 1) for _ in range(min(n, 5))]
    if t == "object" or f.get("properties"):
        if depth > 6:
            return {}
        props = f.get("properties", {})
        return {k: sample(spec, props[k], k, depth + 1) for k in f.get("required", []) if k in props}
    return "hostile"


class Mut:
    """One hostile value. `url` is the percent-encoded form for a path or query,
    `header` the raw bytes for a header (None: not sendable there), `json` the
    raw JSON text for a body member (None: not for bodies). `strict`: the
    value breaks an explicit rule of the spec, so a 2xx is a failure."""

    def __init__(self, label, url=None, header=None, json_text=None, strict=False):
        self.label = label
        self.url = url
        self.header = header
        self.json = json_text
        self.strict = strict


def text_mut(label, text, strict=False, url=True, header=True, body=True):
    hdr = None
    if header and not any(c in text for c in "\r\n\x00"):
        hdr = text.encode("utf-8")
    return Mut(label, url=pe(text) if url else None, header=hdr,
               json_text=json.dumps(text) if body else None, strict=strict)


_MUTS = {}


def string_muts(f, where, base="ab"):
    """Hostile values for a string. `where`: query, path, header or body."""
    key = (json.dumps(f, sort_keys=True, default=str), where, base)
    if key not in _MUTS:
        _MUTS[key] = _string_muts(f, where, base)
    return [copy.copy(m) for m in _MUTS[key]]


def _string_muts(f, where, base):
    out = []
    ml = f.get("maxLength")
    enum = f.get("enum")
    strict_ok = where in ("query", "body", "header")
    if ml is not None:
        out.append(text_mut(f"maxLength+1 ({ml + 1} chars)", "a" * (ml + 1), strict=strict_ok))
    mn = f.get("minLength")
    if mn and where == "body":
        out.append(text_mut(f"minLength-1 ({mn - 1} chars)", "a" * (mn - 1), strict=True))
    out.append(text_mut("100000 chars", "a" * 100000, strict=strict_ok and ml is not None and ml < 100000))
    out.append(text_mut("100000 multibyte chars", "é" * 100000, strict=strict_ok and ml is not None and ml < 100000,
                        header=False))
    if where in ("path", "query", "header"):
        # Long but under the HTTP parser's request-line limit, so it reaches the app.
        out.append(text_mut("7000 chars", "a" * 7000, strict=strict_ok and ml is not None and ml < 7000))
    if where == "query":
        out.append(Mut("9000 words joined by +", url=words(9000), strict=strict_ok and ml is not None))
        out.append(Mut("3000 words joined by +", url=words(3000), strict=strict_ok and ml is not None and ml < 15000))
        out.append(Mut("10000 one-letter words joined by +", url="+".join(["a"] * 10000), strict=strict_ok and ml is not None))
        out.append(Mut("7000 two-letter words joined by +", url="+".join(["ab"] * 7000), strict=strict_ok and ml is not None))
    if where == "body":
        out.append(text_mut("9000 words", " ".join(f"w{i}x" for i in range(9000)),
                            strict=ml is not None and ml < 60000))
    for name, c in CONTROLS:
        text = f"{base}{c}cd"
        if where == "header" and name in ("CRLF", "NUL"):
            continue
        out.append(text_mut(f"control {name}", text))
    out.append(Mut("%00 alone", url="%00"))
    for raw in BROKEN_PERCENT:
        out.append(Mut(f"broken percent {raw}", url=raw))
    out.append(Mut("obs-text byte 0xFF", header=b"ab\xffcd"))
    out.append(Mut("lone surrogate \\ud800", json_text='"ab\\ud800cd"'))
    out.append(Mut("escaped NUL \\u0000 only", json_text='"\\u0000"'))
    out.append(Mut("invalid UTF-8 in JSON string", json_text=b'"ab\xc3\x28cd"'.decode("latin-1")))
    for label, text in UNICODE_ODD:
        out.append(text_mut(label, text))
    out.append(text_mut("empty", ""))
    out.append(text_mut("blank", "   "))
    if enum:
        out.append(text_mut("wrong enum", "not-a-hostile-enum", strict=strict_ok))
        out.append(text_mut("enum in upper case", str(enum[0]).upper(), strict=False))
        out.append(text_mut("enum with space", f" {enum[0]} ", strict=False))
    fmt = f.get("format")
    if fmt in ("date", "date-time"):
        for v in ("not-a-date", "2024-02-30", "2024-13-45T99:99:99Z", "+275760-09-13T00:00:00Z",
                  "-0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+23:59", "0000-00-00",
                  "2024-05-17T10:00:00+99:00", "1" * 40):
            out.append(text_mut(f"bad {fmt} {v[:24]}", v, strict=strict_ok and v not in ("9999-12-31T23:59:59.999999999+23:59",)))
        out.append(Mut(f"{fmt} with raw + (a space)", url="2024-05-17T10:00:00+02:00"))
    if where in ("query", "path"):
        for s in SYNTAX:
            out.append(text_mut(f"syntax {s!r}", s))
    if where == "body":
        # Wrong JSON types for a string.
        out.append(Mut("number for string", json_text="12345", strict=True))
        out.append(Mut("object for string", json_text='{"a": "b"}', strict=True))
        out.append(Mut("array for string", json_text='["a"]', strict=True))
        out.append(Mut("boolean for string", json_text="true", strict=True))
    return out


def int_muts(f, where):
    lo, hi = f.get("minimum"), f.get("maximum")
    vals = [("-1", lo is not None and lo > -1), ("0", lo is not None and lo > 0),
            ("2147483648", hi is not None or f.get("format") == "int32"),
            ("9223372036854775808", True), ("-9223372036854775809", True),
            ("99999999999999999999999999999", True), ("1.5", True), ("1e3", where != "body" or False),
            ("-0", False), ("0x10", True), ("abc", True), ("", where == "body")]
    if hi is not None:
        vals.append((str(int(hi) + 1), True))
    if lo is not None:
        vals.append((str(int(lo) - 1), True))
    out = []
    for v, strict in vals:
        if where == "body":
            if v in ("abc", "0x10", ""):
                out.append(Mut(f"string {v!r} for integer", json_text=json.dumps(v), strict=True))
            else:
                out.append(Mut(f"integer {v}", json_text=v, strict=strict))
        else:
            out.append(Mut(f"integer {v!r}", url=pe(v), header=v.encode(), strict=strict and where == "query"))
    if where == "body":
        out.append(Mut("1e400 (overflows f64)", json_text="1e400", strict=True))
        out.append(Mut("string number", json_text='"1"', strict=True))
        out.append(Mut("object for integer", json_text="{}", strict=True))
    else:
        out.append(Mut("%zz for integer", url="%zz", strict=where == "query"))
        out.append(Mut("%00 for integer", url="%00", strict=where == "query"))
    return out


def bool_muts(where):
    if where == "body":
        return [Mut("string for boolean", json_text='"true"', strict=True),
                Mut("number for boolean", json_text="1", strict=True),
                Mut("object for boolean", json_text="{}", strict=True)]
    return [Mut(f"boolean {v!r}", url=pe(v), header=v.encode(), strict=where == "query" and s)
            for v, s in (("maybe", True), ("TRUE", False), ("1", False), ("", False), ("a" * 7000, True))] + \
        [Mut("boolean %00", url="%00", strict=where == "query"), Mut("boolean %zz", url="%zz", strict=where == "query")]


def cursor_muts(real_cursors):
    """Forged cursors, partly made from real ones."""
    out = []
    b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
    out.append(Mut("cursor: random base64", url=b64(bytes(RNG.randrange(256) for _ in range(24))), strict=True))
    out.append(Mut("cursor: base64 of junk text", url=b64(b"junk, not a cursor"), strict=True))
    out.append(Mut("cursor: not base64", url=pe("***not base64***"), strict=True))
    out.append(Mut("cursor: padded standard base64", url=pe(base64.b64encode(b"k1:junk???").decode()), strict=False))
    out.append(Mut("cursor: 7000 chars", url="A" * 7000, strict=True))
    out.append(Mut("cursor: 100000 chars", url="A" * 100000, strict=True))
    out.append(Mut("cursor: base64 of invalid UTF-8", url=b64(b"\xc3\x28\xff\xfe"), strict=True))
    out.append(Mut("cursor: base64 of NUL", url=b64(b"\x00\x00\x00"), strict=True))
    out.append(Mut("cursor: empty", url=""))
    prefixes = set()
    for real in list(real_cursors.values())[:1] + list(real_cursors.values())[1:]:
        try:
            text = base64.urlsafe_b64decode(real + "=" * (-len(real) % 4)).decode("utf-8")
        except Exception:
            continue
        prefix = text.split(":", 1)[0] + ":" if ":" in text else ""
        prefixes.add(prefix)
    for prefix in sorted(prefixes):
        p = prefix.encode()
        for label, key in (("NUL", b"\x00"), ("quote", b"' OR 1=1 --"), ("empty key", b""),
                           ("huge number", b"9" * 40 + b":x"), ("i64 min micros", b"-9223372036854775808:x"),
                           ("i64 max micros", b"9223372036854775807:x"), ("negative", b"-1:x"),
                           ("10000-char key", b"x" * 10000), ("U+2028", "\u2028".encode()),
                           ("colons", b":::"), ("percent", b"%_%"), ("invalid UTF-8", b"\xc3\x28")):
            out.append(Mut(f"cursor: forged {prefix}{label}", url=b64(p + key)))
    # Real cursors of other lists: a foreign keyset.
    for op_name, real in sorted(real_cursors.items())[:6]:
        out.append(Mut(f"cursor: real one of {op_name}", url=real))
        out.append(Mut(f"cursor: real one of {op_name} with a byte flipped",
                       url=real[:-2] + ("A" if real[-2] != "A" else "B") + real[-1:]))
    return out


def header_etag_muts():
    """If-Match / If-None-Match values that are not ETags."""
    out = []
    for label, v in (("unquoted", b"1"), ("garbage after tag", b'"1"garbage'), ("empty quotes", b'""'),
                     ("huge version", b'"99999999999999999999"'), ("negative version", b'"-1"'),
                     ("1000 tags", b", ".join(b'"%d"' % (10**9 + i) for i in range(1000))), ("only commas", b",,,"),
                     ("star and tag", b'*, "1"'), ("weak", b'W/"1"'), ("lone quote", b'"'),
                     ("non-ASCII", '"1"\u2028'.encode()), ("obs-text", b'"1"\xff'), ("blank", b"   "),
                     ("empty", b""), ("7000 chars", b"a" * 7000), ("100000 chars", b"a" * 100000),
                     ("tab", b'"1"\t"2"'), ("ESC", b'"1\x1b"'), ("DEL", b'"1\x7f"')):
        # Each is malformed or names no version this server issued, so the
        # precondition cannot hold: 400 or 412, never a 2xx. Except a weak
        # tag and "*, tag", which a lenient server may read as a match.
        out.append(Mut(f"If-Match {label}", header=v, strict=label not in ("weak", "star and tag")))
    return out


# ------------------------------------------------------------- suite ----


class Case:
    def __init__(self, op, label, target, headers, body=None, strict=False, kind="mutation"):
        self.op = op
        self.label = label
        self.target = target
        self.headers = headers
        self.body = body
        self.strict = strict
        self.kind = kind


class Suite:
    def __init__(self, base):
        self.client = Client(base)
        self.admin = os.environ.get("HOSTILE_ADMIN_KEY", "")
        self.write_key = os.environ.get("HOSTILE_WRITE_KEY", "")
        self.own_names = set(filter(None, os.environ.get("HOSTILE_OWN_KEY_NAMES", "hostile,hostile-write").split(",")))
        self.allow_unbounded = os.environ.get("HOSTILE_ALLOW_UNBOUNDED") == "1"
        self.strict_protocol = os.environ.get("HOSTILE_STRICT_PROTOCOL") == "1"
        self.verbose = os.environ.get("HOSTILE_VERBOSE") == "1"
        self.failed_cases = set()
        self.refused_types = set()
        self.skip = os.environ.get("HOSTILE_SKIP")
        self.skipped = []
        self.pending = []
        self.out_of_time = False
        self.deadline = time.monotonic() + float(os.environ.get("HOSTILE_MAX_SECONDS", "300"))
        self.failures = []  # (kind, op, label, status, excerpt)
        self.notes = []
        self.slow = []
        self.cases_run = 0
        self.dead = False
        self.state = None
        self.audit_seen = set()
        self.audit_since = None
        self.audit_last = None
        self.real_cursors = {}
        self.statuses = {}
        self.baseline_target = ""

    # -- plumbing

    def auth(self, key=None):
        key = self.admin if key is None else key
        return [("Authorization", f"Bearer {key}")] if key else []

    def get_json(self, target, key=None):
        try:
            r = self.client.request("GET", target, self.auth(key) + [("Accept", "application/json")])
        except NoAnswer:
            return None, None
        return r.status, r.json()

    def fail(self, kind, op, label, status, body=b"", case=None):
        if case is not None:
            self.failed_cases.add(id(case))
        excerpt = body[:160].decode("utf-8", "replace").replace("\n", " ").replace("\r", " ")
        self.failures.append((kind, str(op), label, status, excerpt))
        print(f"FAIL [{kind}] {op} | {label} -> {status} {excerpt}", flush=True)

    def alive(self):
        for attempt in range(3):
            try:
                r = self.client.request("GET", "/healthz", timeout=10)
                if r.status == 200:
                    return True
            except NoAnswer:
                pass
            time.sleep(0.5 * (attempt + 1))
        return False

    # -- state for the partial-write check

    def snapshot(self):
        """What a write may change: the export (its bytes, and its rows by
        member and id) and the keys without last_used_at. None if unreadable."""
        try:
            export = self.client.request("GET", "/api/v1/export", self.auth())
            keys = self.client.request("GET", "/api/v1/api-keys", self.auth())
        except NoAnswer:
            return None
        if export.status != 200 or keys.status != 200:
            return None
        rows = {}
        doc = export.json()
        for member, value in (doc.items() if isinstance(doc, dict) else [("document", doc)]):
            if isinstance(value, list):
                for i, row in enumerate(value):
                    rid = row.get("id", i) if isinstance(row, dict) else i
                    rows[(member, str(rid))] = json.dumps(row, sort_keys=True)
            else:
                rows[("document", member)] = json.dumps(value, sort_keys=True)
        key_list = keys.json()
        for i, key in enumerate(key_list if isinstance(key_list, list) else [key_list]):
            rid = key.get("id", i) if isinstance(key, dict) else i
            rows[("api_keys", str(rid))] = json.dumps(strip_key(key, "last_used_at"), sort_keys=True)
        keys_part = sorted(v for (m, _), v in rows.items() if m == "api_keys")
        return {"export": export.body, "keys": keys_part, "rows": rows}

    def audit_entries(self):
        """Audit entries at or after the last one seen (bounded paging)."""
        base = "/api/v1/audit?limit=200" + ("&since=" + pe(self.audit_since) if self.audit_since else "")
        target = base
        entries = []
        for _ in range(200):
            status, doc = self.get_json(target)
            if status != 200 or not isinstance(doc, dict):
                break
            entries += [item for item in doc.get("items", []) if isinstance(item, dict)]
            cursor = doc.get("next_cursor")
            if not cursor:
                break
            target = base + "&cursor=" + pe(cursor)
        return entries

    def see_audit(self, entries):
        """Marks entries seen; returns those not seen before."""
        new = [e for e in entries if e.get("id") not in self.audit_seen]
        for entry in entries:
            self.audit_seen.add(entry.get("id"))
            at = entry.get("at")
            try:
                when = datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
            except (AttributeError, ValueError):
                continue
            if self.audit_last is None or when > self.audit_last[0]:
                self.audit_last = (when, at)
        if self.audit_last:
            self.audit_since = self.audit_last[1]
        return new

    def reset_state(self):
        self.see_audit(self.audit_entries())
        self.state = self.snapshot()
        self.pending = []

    # -- one case

    def send(self, case):
        method = case.method if case.kind == "method" else case.op.method
        return self.client.request(method, case.target, case.headers, case.body)

    def writes(self, case):
        method = case.method if case.kind == "method" else case.op.method
        return method not in ("GET", "HEAD", "OPTIONS")

    def run(self, case):
        if self.dead or self.cases_run >= CASE_LIMIT:
            return
        if self.skip and re.search(self.skip, f"{case.op} | {case.label}"):
            self.skipped.append(f"{case.op} | {case.label}")
            return
        if time.monotonic() > self.deadline:
            if not self.out_of_time:
                self.out_of_time = True
                self.fail("time budget", case.op, case.label, "-",
                          f"stopped after {self.cases_run} cases: over HOSTILE_MAX_SECONDS".encode())
            return
        self.cases_run += 1
        op = case.op
        writes = self.writes(case)
        try:
            r = self.send(case)
        except NoAnswer as e:
            if not self.alive():
                self.dead = True
                self.fail("server death", op, case.label, "-", str(e).encode(), case)
                return
            self.fail("no answer", op, case.label, "-", str(e).encode(), case)
            if writes:
                self.pending.append(case)
            return
        if self.verbose:
            print(f"  {op} | {case.label} -> {r.status} ({r.elapsed * 1000:.0f} ms)", flush=True)
        if r.elapsed > SLOW:
            self.slow.append((str(op), case.label, r.status, r.elapsed))
        self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
        self.check(case, r)
        if not self.alive():
            self.dead = True
            self.fail("server death", op, case.label, r.status, b"the server stopped answering /healthz after this request", case)
            return
        if writes:
            self.check_state(case, r)
            if 200 <= r.status < 300 and getattr(case, "restore", None):
                try:
                    self.client.request("POST", case.restore, self.auth())
                except NoAnswer:
                    pass
                self.see_audit(self.audit_entries())
                self.state = self.snapshot()

    def check_state(self, case, r):
        """After a case of a write operation. New audit entries are read at
        once (cheap): an error answer with one is a partial write. The export
        and the keys are compared every BATCH error answers, and after every
        2xx: then what changed must be rows the new audit entries name (the
        2xx's own write); anything else sends the error cases before it again
        one by one, a snapshot around each, to find the one that wrote."""
        new = self.see_audit(self.audit_entries())
        if not 200 <= r.status < 300:
            if new:
                self.fail("partial write", case.op, case.label, r.status,
                          f"{len(new)} new audit entries ({', '.join(sorted({str(e.get('action')) + ' ' + str(e.get('entity_type')) for e in new}))}); answer: ".encode() + r.body, case)
                if self.pending:
                    self.recheck(self.pending)
                self.pending = []
                self.state = self.snapshot()
                return
            self.pending.append(case)
            if len(self.pending) >= BATCH:
                self.verify_pending()
            return
        state = self.snapshot()
        if self.pending and state is not None and self.state is not None:
            allowed = set()
            for entry in new:
                allowed.add(str(entry.get("entity_id")))
                collect_strings(entry.get("before"), allowed)
                collect_strings(entry.get("after"), allowed)
            before, after = self.state["rows"], state["rows"]
            changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
            if any(rid not in allowed for _, rid in changed):
                self.recheck(self.pending)
                state = self.snapshot()
        self.pending = []
        self.state = state

    def verify_pending(self):
        if not self.pending:
            return
        state = self.snapshot()
        if state is None:
            self.fail("state check", self.pending[-1].op, self.pending[-1].label, "-", b"the export or the key list did not answer")
        elif self.state is not None and (state["export"] != self.state["export"] or state["keys"] != self.state["keys"]):
            self.recheck(self.pending, changed=True)
            state = self.snapshot()
        self.pending = []
        self.state = state

    def recheck(self, cases, changed=False):
        """Re-sends cases one by one, a snapshot before and after each, to
        find one that writes while answering an error."""
        found = False
        before = self.snapshot()
        for case in cases[:BATCH * 2]:
            try:
                r = self.send(case)
            except NoAnswer:
                continue
            after = self.snapshot()
            new = self.see_audit(self.audit_entries())
            if before is not None and after is not None and not 200 <= r.status < 300 \
                    and (after["export"] != before["export"] or after["keys"] != before["keys"] or new):
                what = [n for n, a, b in (("export", after["export"], before["export"]),
                                          ("api keys", after["keys"], before["keys"])) if a != b]
                if new:
                    what.append(f"{len(new)} audit entries")
                self.fail("partial write", case.op, case.label, r.status,
                          f"changed: {', '.join(what)} (found when sent again); answer: ".encode() + r.body, case)
                found = True
            before = after
        if changed and not found:
            self.fail("partial write", cases[0].op, "one of: " + "; ".join(c.label for c in cases), "-",
                      b"the export or the keys changed during these error answers; no single one changed them again when sent again")

    def check(self, case, r):
        op = case.op
        s = r.status
        ctype = (r.header("content-type") or "").split(";")[0].strip().lower()
        protocol = s in (400, 413, 414, 431) and not r.body and not r.header("x-request-id") and not ctype
        if s >= 500:
            self.fail("5xx", op, case.label, s, r.body, case)
            return False
        if s == 415 and getattr(case, "declared_type", None) and (str(op), case.declared_type) not in self.refused_types:
            self.refused_types.add((str(op), case.declared_type))
            self.fail("documented media type refused", op, case.label, s,
                      f"the spec lists {case.declared_type} as a request body of this operation: ".encode() + r.body, case)
            return False
        if 400 <= s < 500:
            if protocol:
                if self.strict_protocol:
                    self.fail("protocol-level 4xx", op, case.label, s, b"(empty answer from the HTTP parser)", case)
                    return False
                self.notes.append((str(op), case.label, s))
                return True
            documented = op.documented_types(s)
            if ctype == "application/problem+json":
                doc = r.json()
                if not isinstance(doc, dict) or doc.get("status") != s:
                    self.fail("non-problem 4xx", op, case.label, s, b"problem+json whose status is not the HTTP status: " + r.body, case)
                    return False
                return True
            if documented and "application/problem+json" not in documented and ctype in documented:
                return True  # e.g. the HTML pages' documented 404
            self.fail("non-problem 4xx", op, case.label, s, f"content-type {ctype or '(none)'}: ".encode() + r.body, case)
            return False
        if not op.documented(s) and not (case.kind == "method" and s == 405):
            kind = "undocumented 2xx" if 200 <= s < 300 else "undocumented status"
            self.fail(kind, op, case.label, s, r.body, case)
            return False
        if 200 <= s < 300 and case.strict:
            self.fail("accepted", op, case.label, s, r.body, case)
            return False
        return True

    # -- building cases

    def fill_path(self, op, ops_by_path, overrides=None, values=None, prefer_id=False):
        """The operation's path with every {param} replaced: by overrides
        (already encoded), by values, else by a real id or slug (recorded in
        values when given)."""
        overrides = overrides or {}
        segments = op.path.split("/")
        out = []
        for i, seg in enumerate(segments):
            m = re.fullmatch(r"\{([^}]+)\}", seg)
            if not m:
                out.append(seg)
                continue
            name = m.group(1)
            if name in overrides:
                out.append(overrides[name])
                continue
            if values is not None and name in values:
                out.append(pe(values[name]))
                continue
            prefix = "/".join(out)
            real = self.real_id(prefix, segments[i - 1] if i else "", ops_by_path, prefer_id)
            if values is not None:
                values[name] = real
            out.append(pe(real))
        return "/".join(out)

    def real_id(self, filled_prefix, collection, ops_by_path, prefer_id=False):
        """A live record's slug (or id: writes may change a slug, never an id)."""
        # The collection itself, else any list whose last segment names it
        # (/api/v1/contact-points/{id} -> /api/v1/people/{id}/contact-points).
        candidates = []
        if ("GET", unfill(filled_prefix, ops_by_path)) in ops_by_path:
            candidates.append(lambda: filled_prefix)
        # Lists with fewer parameters first: /api/v1/releases before /api/v1/people/{id}/releases.
        for (method, path), o in sorted(ops_by_path.items(), key=lambda kv: (kv[0][1].count("{"), kv[0][1])):
            if method == "GET" and path.rstrip("/").split("/")[-1] == collection and not path.endswith("}") \
                    and path != unfill(filled_prefix, ops_by_path):
                candidates.append(lambda o=o: self.fill_path(o, ops_by_path))
        preferred = ("jorge-gallo", "iom-washington")
        for make in candidates[:6]:
            status, doc = self.get_json(make())
            items = doc.get("items") if isinstance(doc, dict) else doc if isinstance(doc, list) else None
            if status != 200 or not isinstance(items, list) or not items:
                continue
            items = [it for it in items if isinstance(it, dict) and it.get("name") not in self.own_names]
            if not items:
                continue
            it = next((it for it in items if it.get("slug") in preferred), items[0])
            return str(it.get("id") if prefer_id and it.get("id") else it.get("slug") or it.get("id"))
        # Else a live row of the export's member of that name (contact-points -> contact_points).
        status, doc = self.get_json("/api/v1/export")
        rows = doc.get(collection.replace("-", "_")) if isinstance(doc, dict) else None
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("id") and not row.get("archived_at"):
                return str(row["id"] if prefer_id else row.get("slug") or row["id"])
        return "hostile-unknown-slug"

    def cases_for(self, op, ops_by_path):
        """Every case for one operation, lazily (the data changes as we go)."""
        values = {}
        path = self.fill_path(op, ops_by_path, values=values, prefer_id=op.is_write())
        # After an archive that answered 2xx, the record is restored (when the
        # spec has a restore for it), so later cases still reach a live record.
        restore = None
        if op.method == "DELETE" and ("POST", op.path + "/restore") in ops_by_path:
            restore = path + "/restore"
        base_query = []
        query_params = [p for p in op.params if p.get("in") == "query"]
        for p in query_params:
            if p.get("required"):
                val = p.get("example", sample(op.spec, p.get("schema", {}), p["name"]))
                base_query.append((pe(p["name"]), pe(str(val).lower() if isinstance(val, bool) else str(val))))
        base_headers = [("Accept", "*/*")] + self.auth()
        body_ctype, body_value = self.baseline_body(op)
        self.baseline_target = path + ("?" + "&".join(f"{k}={v}" for k, v in base_query) if base_query else "")

        def target(path_=None, query=None):
            q = base_query if query is None else query
            t = path if path_ is None else path_
            return t + ("?" + "&".join(f"{k}={v}" if v is not None else k for k, v in q) if q else "")

        def body_bytes(value=None):
            if body_ctype is None:
                return [], None
            v = body_value if value is None else value
            data = v if isinstance(v, bytes) else json.dumps(v).encode() if body_ctype.endswith("json") else str(v).encode()
            return [("Content-Type", body_ctype)], data

        def case(label, tgt=None, headers=None, body=..., strict=False, ctype=None):
            h = list(base_headers if headers is None else headers)
            if body is ...:
                ch, data = body_bytes()
            elif body is None:
                ch, data = [], None
            else:
                ch, data = [("Content-Type", ctype or body_ctype or "application/json")], body
            if ctype == "":
                ch = []
            c = Case(op, label, tgt if tgt is not None else target(), h + ch, data, strict)
            c.restore = restore
            sent_type = next((v for k, v in ch if k == "Content-Type"), None)
            c.declared_type = sent_type if sent_type in op.body_content else None
            return c

        # Path parameters.
        for p in [p for p in op.params if p.get("in") == "path"]:
            f = op.param_schema(p)
            name = p["name"]
            muts = string_muts(f, "path") if f.get("type") in ("string", None) else int_muts(f, "path")
            muts += [Mut("encoded slash", url="a%2Fb"), Mut("dot dot", url=".."), Mut("encoded dot dot", url="%2E%2E"),
                     Mut("random UUID", url="0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"),
                     Mut("nil UUID", url="00000000-0000-0000-0000-000000000000"),
                     Mut("upper-case UUID-like", url="0190AAAA-BBBB-7CCC-8DDD-EEEEEEEEEEEE"),
                     Mut("negative number", url="-1"), Mut("huge number", url="9" * 40)]
            real = path.split("/")[op.path.split("/").index("{" + name + "}")]
            muts += [Mut("real value with trailing %20", url=real + "%20"), Mut("real value in upper case", url=real.upper()),
                     Mut("real value with %00", url=real + "%00"), Mut("real value with ;x=1", url=real + ";x=1")]
            for m in muts:
                if m.url is None:
                    continue
                yield case(f"path {name}: {m.label}", tgt=target(self.fill_path(op, ops_by_path, {name: m.url}, values)))

        # Query parameters.
        for p in query_params:
            f = op.param_schema(p)
            name = p["name"]
            t = f.get("type")
            if name == "cursor" or "cursor" in (p.get("description") or "").lower() and t == "string":
                muts = cursor_muts(self.real_cursors)
            elif t == "integer" or t == "number":
                muts = int_muts(f, "query")
            elif t == "boolean":
                muts = bool_muts("query")
            elif t == "array":
                item = op.spec.flatten(f.get("items", {}))
                muts = string_muts(item, "query")
                muts.append(Mut("10000 repeated values", url=None))
            else:
                muts = string_muts(f, "query")
            others = [(k, v) for k, v in base_query if k != pe(name)]
            for m in muts:
                if m.label == "10000 repeated values":
                    q = others + [(pe(name), "a")] * 10000
                elif m.url is None:
                    continue
                else:
                    q = others + [(pe(name), m.url)]
                yield case(f"query {name}: {m.label}", tgt=target(query=q), strict=m.strict)
            # The parameter given twice, and under an encoded name.
            val = sample(op.spec, p.get("schema", {}), name)
            val = pe(str(val).lower() if isinstance(val, bool) else str(val))
            yield case(f"query {name} given twice", tgt=target(query=others + [(pe(name), val), (pe(name), val)]))
            enc_name = "".join(f"%{b:02X}" for b in name.encode()[:1]) + pe(name[1:])
            yield case(f"query name percent-encoded ({enc_name})", tgt=target(query=others + [(enc_name, val)]))
            yield case(f"query {name} without =", tgt=target(query=others + [(pe(name), None)]))
            yield case(f"query {name}[] bracket name", tgt=target(query=others + [(pe(name) + "%5B%5D", val)]))

        # Whole-query attacks.
        for label, q in (("unknown query parameter", [("hostile_unknown", "1")]),
                         ("query name NUL", [("%00", "1")]), ("query name %zz", [("%zz", "1")]),
                         ("query name invalid UTF-8", [("%C3%28", "1")]), ("query name 7000 chars", [("a" * 7000, "1")]),
                         ("query name with control ESC", [("q%1B", "1")]), ("empty query name", [("", "1")]),
                         ("only ampersands", [("&&&", None)]), ("lone =", [("=", None)]),
                         ("semicolon separated", [("a=1;b", "2")]), ("query of 100000 chars", [("x", "a" * 100000)]),
                         ("2000 unknown parameters", [(f"p{i}", "1") for i in range(2000)])):
            yield case(label, tgt=target(query=base_query + q))

        # Header parameters (If-Match and the like).
        for p in [p for p in op.params if p.get("in") == "header"]:
            f = op.param_schema(p)
            name = p["name"]
            muts = []
            if name.lower() in ("if-match", "if-none-match"):
                muts = header_etag_muts()
                if name.lower() == "if-none-match":
                    for m in muts:
                        m.strict = False
            muts += [m for m in string_muts(f, "header") if m.header is not None]
            for m in muts:
                if m.header is None:
                    continue
                yield case(f"header {name}: {m.label}", headers=base_headers + [(name, m.header)], strict=m.strict)

        # Keys and other headers every request may carry.
        for label, hdrs in (("no key", []), ("bogus key", [("Authorization", "Bearer pd_" + "0" * 64)]),
                            ("empty bearer", [("Authorization", "Bearer ")]), ("Basic auth", [("Authorization", "Basic YTpi")]),
                            ("bearer of 7000 chars", [("Authorization", "Bearer pd_" + "a" * 7000)]),
                            ("bearer of 100000 chars", [("Authorization", "Bearer pd_" + "a" * 100000)]),
                            ("bearer with U+2028", [("Authorization", "Bearer pd_\u2028".encode())]),
                            ("bearer with obs-text", [("Authorization", b"Bearer pd_\xff")]),
                            ("bearer with ESC", [("Authorization", b"Bearer pd_\x1b")]),
                            ("two Authorization headers", self.auth() + [("Authorization", "Bearer pd_x")]),
                            ("write-only key", self.auth(self.write_key) if self.write_key else None)):
            if hdrs is None:
                continue
            yield case(f"auth: {label}", headers=[("Accept", "*/*")] + hdrs)
        for label, hdr in (("Accept garbage", ("Accept", "\u2028/\u2028;q=x")), ("Accept 7000 chars", ("Accept", "a/" + "b" * 7000)),
                           ("Accept text/vcard", ("Accept", "text/vcard")), ("Accept application/ld+json", ("Accept", "application/ld+json")),
                           ("Accept text/csv", ("Accept", "text/csv")), ("Accept q=0 for everything", ("Accept", "*/*;q=0")),
                           ("X-Request-Id 7000 chars", ("X-Request-Id", "a" * 7000)), ("X-Request-Id obs-text", ("X-Request-Id", b"\xff\xfe")),
                           ("If-None-Match garbage", ("If-None-Match", '"\u2028"')), ("If-None-Match *", ("If-None-Match", "*")),
                           ("Cache-Control no-cache", ("Cache-Control", "no-cache")),
                           ("X-Forwarded-For garbage", ("X-Forwarded-For", "\u2028, 999.1.1.1")), ("Origin garbage", ("Origin", "null"))):
            yield case(f"header: {label}", headers=base_headers + [hdr])

        # Encoded and odd paths.
        segs = op.path.split("/")
        for idx in sorted({i for i, s in enumerate(segs) if s and not s.startswith("{")})[:3]:
            parts = path.split("/")
            seg = parts[idx]
            parts[idx] = "%" + f"{ord(seg[0]):02X}" + seg[1:]
            yield case(f"path segment {idx} percent-encoded", tgt=target("/".join(parts)))
        if len(path) > 1:
            yield case("encoded slash between segments", tgt=target(path.replace("/", "%2F", 2).replace("%2F", "/", 1)))
            yield case("double slash", tgt=target("/" + path))
            yield case("dot segment", tgt=target(path.rsplit("/", 1)[0] + "/./" + path.rsplit("/", 1)[1]))
            yield case("dot-dot segment", tgt=target(path.rsplit("/", 1)[0] + "/x/../" + path.rsplit("/", 1)[1]))
            yield case("trailing slash", tgt=target(path + "/"))
            yield case("matrix parameter ;x=1", tgt=target(path + ";x=1"))
            yield case("path NUL", tgt=target(path + "%00"))
            yield case("path invalid UTF-8", tgt=target(path + "%C3%28"))
            yield case("path %zz", tgt=target(path + "%zz"))
            yield case("path in upper case", tgt=target(path.upper()))

        # Bodies.
        if body_ctype and body_ctype.endswith("json"):
            yield from self.body_cases(op, case, body_ctype, body_value)
        if "text/plain" in op.body_content:
            tcase = lambda label, data, strict=False: case(label, body=data, ctype="text/plain", strict=strict)
            f = op.spec.flatten(op.body_content["text/plain"])
            for m in string_muts(f, "body"):
                # Any text is a string: JSON types and JSON-only encodings mean nothing here.
                if m.json is None or m.label.endswith("for string") or "JSON" in m.label:
                    continue
                try:
                    v = json.loads(m.json)
                except ValueError:
                    continue
                data = v.encode("utf-8", "surrogatepass") if isinstance(v, str) else m.json.encode()
                yield tcase(f"text/plain body: {m.label}", data, m.strict)
            for label, data in (("text/plain NUL", b"a\x00b" * 100), ("text/plain invalid UTF-8", b"ab\xc3\x28cd"),
                                ("text/plain 2 MiB", b"a" * (2 * 1024 * 1024)), ("text/plain 9000 words", words(9000).replace("+", " ").encode()),
                                ("text/plain 5000 quotes", ("\u201cx,\u201d said A B, T. " * 5000).encode()),
                                ("text/plain 2000 contact lines", ("Media contacts:\n" + "A B at X, Tel: +1 202 555 0100, Email: a@b.org\n" * 2000).encode()),
                                ("text/plain latin-1 charset", "café".encode("latin-1"))):
                yield tcase(label, data)
        if op.is_write() and not op.body_content:
            yield case("unexpected JSON body", body=b'{"a": 1}', ctype="application/json")
            yield case("unexpected 2 MiB body", body=b"[" * (2 * 1024 * 1024), ctype="application/json")
        # The baseline itself, last (for an archive it archives).
        yield case("baseline, nothing changed")

    def baseline_body(self, op):
        if not op.body_content:
            return None, None
        for ctype in op.body_content:
            if ctype.endswith("json"):
                schema = op.body_content[ctype]
                # A body of the same schema as some GET's answer: that answer
                # is a valid body (the export document for the import).
                ref = schema.get("$ref") if isinstance(schema, dict) else None
                if ref:
                    for o in self.ops:
                        if o.method == "GET" and "{" not in o.path:
                            ok = o.responses.get("200", {})
                            for media in (op.spec.deref(ok).get("content") or {}).values():
                                if isinstance(media.get("schema"), dict) and media["schema"].get("$ref") == ref:
                                    status, doc = self.get_json(o.path)
                                    if status == 200 and doc is not None:
                                        return ctype, doc
                return ctype, sample(op.spec, schema)
        ctype = next(iter(op.body_content))
        return ctype, "hostile"

    def body_cases(self, op, case, ctype, base):
        spec = op.spec
        schema = spec.flatten(op.body_content[ctype])
        raw = lambda value: json.dumps(value).encode()

        def with_member(container_path, name, json_text):
            """The baseline with one member replaced by raw JSON text."""
            marker = "\u0000HOSTILE\u0000"
            doc = json.loads(json.dumps(base))
            target = doc
            for step in container_path:
                target = target[step]
            target[name] = marker
            text = json.dumps(doc)
            return text.replace(json.dumps(marker), json_text).encode("utf-8", "surrogatepass")

        def member_cases(container_path, f, actual, prefix, nested):
            props = dict(f.get("properties") or {})
            # Members the schema does not describe but the baseline has (free-form objects).
            if isinstance(actual, dict):
                for k, v in actual.items():
                    if k not in props:
                        props[k] = {"type": json_type(v) or "string", "_guessed": True}
            required = set(f.get("required", []))
            for name, sub in props.items():
                sf = spec.flatten(sub) if not sub.get("_guessed") else dict(sub, nullable=True)
                label = f"body {prefix}{name}"
                t = sf.get("type")
                guessed = bool(sub.get("_guessed"))
                if t == "string" or t is None:
                    muts = string_muts(sf, "body")
                    if guessed:
                        muts = [m for m in muts if m.label in ("100000 chars", "control ESC", "control NUL", "lone surrogate \\ud800",
                                                                "number for string", "object for string", "maxLength+1",
                                                                "invalid UTF-8 in JSON string", "empty")]
                elif t in ("integer", "number"):
                    muts = int_muts(sf, "body")
                    if guessed:
                        muts = muts[:6]
                elif t == "boolean":
                    muts = bool_muts("body")
                elif t == "array":
                    muts = self.array_muts(spec, sf, name)
                else:
                    muts = [Mut("string for object", json_text='"x"', strict=True),
                            Mut("array for object", json_text="[]", strict=True),
                            Mut("object with unknown member", json_text='{"hostile_unknown": 1}',
                                strict=sf.get("additionalProperties") is False)]
                muts.append(Mut("null", json_text="null", strict=name in required and not sf.get("nullable")))
                if guessed:
                    for m in muts:
                        m.strict = False
                for m in muts:
                    if m.json is None:
                        continue
                    yield case(f"{label}: {m.label}", body=with_member(container_path, name, m.json), strict=m.strict)
                # One level down: members of an object member, or of an array's first item.
                if nested:
                    value = actual.get(name) if isinstance(actual, dict) else None
                    if t == "object" and (sf.get("properties") or isinstance(value, dict)):
                        yield from nested_cases(container_path + [name], sf, value if isinstance(value, dict) else None,
                                                f"{prefix}{name}.")
                    elif t == "array":
                        item = spec.flatten(sf.get("items", {}))
                        first = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else None
                        if item.get("type") == "object" or item.get("properties") or first is not None:
                            yield from nested_cases(container_path + [name, 0], item, first, f"{prefix}{name}[0].")

        def nested_cases(container_path, f, actual, prefix):
            nonlocal base
            saved = base
            if actual is None:
                # Put a sampled object in place first (in a one-item array
                # when the path ends with an index).
                doc = json.loads(json.dumps(base))
                holder = doc
                steps = container_path
                for i, step in enumerate(steps[:-1]):
                    nxt = steps[i + 1]
                    if isinstance(step, str) and not isinstance(holder.get(step), (dict, list)):
                        holder[step] = [] if isinstance(nxt, int) else {}
                    holder = holder[step]
                last = steps[-1]
                actual = sample(spec, f, str(last))
                if not isinstance(actual, dict):
                    actual = {}
                if isinstance(last, int):
                    holder[:] = [actual]
                else:
                    holder[last] = actual
                base = doc
            try:
                yield from member_cases(container_path, f, actual, prefix, nested=False)
            finally:
                base = saved

        if schema.get("type") == "object" or schema.get("properties"):
            yield from member_cases([], schema, base, "", nested=True)
            yield case("body unknown member", body=with_member([], "hostile_unknown_member", "1"),
                       strict=schema.get("additionalProperties") is False)
            if isinstance(base, dict):
                # A member the baseline has, given again first (with another value, and another type).
                text = json.dumps(base)
                name = next(iter(base), None) or next(iter(schema.get("properties", {})), "a")
                rest = text[1:] if base else "}"
                sep = ", " if base else ""
                yield case("body duplicate member", body=('{' + json.dumps(name) + ': "dup1"' + sep + rest).encode())
                yield case("body duplicate member, other type", body=('{' + json.dumps(name) + ': 123' + sep + rest).encode())
                if not base:
                    yield case("body duplicate member twice", body=('{' + json.dumps(name) + ': "a", ' + json.dumps(name) + ': "b"}').encode())
        whole = [
            ("body deep nesting 100000 [", b"[" * 100000, "application/json"),
            ("body deep nesting 100000 {\"a\":", b'{"a":' * 100000, "application/json"),
            ("body deep nesting 120 levels", b"[" * 120 + b"]" * 120, "application/json"),
            ("body not JSON", b"this is not JSON", "application/json"),
            ("body empty", b"", "application/json"),
            ("body null", b"null", "application/json"),
            ("body array", b"[]", "application/json"),
            ("body string", b'"x"', "application/json"),
            ("body huge number", b"1e999", "application/json"),
            ("body with BOM", b"\xef\xbb\xbf" + raw(base), "application/json"),
            ("body with trailing garbage", raw(base) + b" }garbage", "application/json"),
            ("body invalid UTF-8", b'{"x": "\xc3\x28"}', "application/json"),
            ("body lone surrogate key", b'{"\\ud800": 1}', "application/json"),
            ("body NUL key", b'{"\\u0000": 1}', "application/json"),
            ("body raw NUL byte", b'{\x00}', "application/json"),
            ("body 2 MiB", b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}', "application/json"),
            ("body 900 KiB string member", with_member([], "hostile_big", json.dumps("a" * 900 * 1024)), "application/json"),
            ("body 50000 members", b"{" + b",".join(b'"m%d": 1' % i for i in range(50000)) + b"}", "application/json"),
            ("body without content type", raw(base), ""),
            ("body as text/plain", raw(base), "text/plain" if "text/plain" not in op.body_content else "text/csv"),
            ("body as form", b"a=1&b=2", "application/x-www-form-urlencoded"),
            ("body as multipart", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x"),
            ("body JSON with charset utf-16", raw(base), "application/json; charset=utf-16"),
            ("body JSON with broken media type", raw(base), "application/json;;;=="),
            ("body content type 7000 chars", raw(base), "application/" + "j" * 7000),
            ("body +json suffix type", raw(base), "application/vnd.hostile+json"),
        ]
        for label, data, ct in whole:
            yield case(label, body=data, ctype=ct)

    def array_muts(self, spec, f, name):
        item = spec.flatten(f.get("items", {}))
        one = sample(spec, f.get("items", {}), name)
        mx = f.get("maxItems")
        out = []
        if mx is not None:
            out.append(Mut(f"maxItems+1 ({mx + 1} items)", json_text=json.dumps([one] * (mx + 1)), strict=True))
        out.append(Mut("10000 items", json_text=json.dumps([one] * 10000), strict=mx is not None and mx < 10000))
        out.append(Mut("10000 distinct items", json_text=json.dumps(
            [f"{one}{i}" if isinstance(one, str) else one for i in range(10000)]), strict=mx is not None and mx < 10000))
        out.append(Mut("string for array", json_text='"x"', strict=True))
        out.append(Mut("object for array", json_text='{"a": 1}', strict=True))
        out.append(Mut("[null]", json_text="[null]", strict=not item.get("nullable") and item.get("type") is not None))
        out.append(Mut("nested arrays", json_text="[[[[[]]]]]", strict=item.get("type") not in (None, "array")))
        it = item.get("type")
        if it == "string":
            for m in string_muts(item, "body"):
                if m.label in ("100000 chars", "control NUL", "control ESC", "control CRLF", "lone surrogate \\ud800", "number for string",
                               "empty", "blank", "wrong enum", "invalid UTF-8 in JSON string") or m.label.startswith("maxLength+1"):
                    out.append(Mut(f"one item: {m.label}", json_text="[" + m.json + "]", strict=m.strict))
        elif it == "object":
            out.append(Mut("one item: string", json_text='["x"]', strict=True))
            out.append(Mut("one item: empty object", json_text="[{}]", strict=bool(item.get("required"))))
        return out

    # -- the whole run

    def collect_cursors(self, ops, ops_by_path):
        for op in ops:
            names = {p.get("name") for p in op.params if p.get("in") == "query"}
            if op.method != "GET" or "cursor" not in names or "limit" not in names:
                continue
            required = [p for p in op.params if p.get("in") == "query" and p.get("required")]
            q = "limit=1" + "".join(f"&{pe(p['name'])}={pe(str(p.get('example', sample(op.spec, p.get('schema', {}), p['name']))))}"
                                   for p in required)
            # A change feed keys its pages differently: get one of those too.
            targets = [self.fill_path(op, ops_by_path) + "?" + q]
            if "updated_since" in names:
                targets.append(targets[0] + "&updated_since=2000-01-01T00:00:00Z")
            for t in targets:
                status, doc = self.get_json(t)
                if status == 200 and isinstance(doc, dict) and doc.get("next_cursor"):
                    self.real_cursors[str(op) + (" feed" if "updated_since" in t else "")] = doc["next_cursor"]

    def bounds(self, spec, ops):
        """Spec members without an upper bound."""
        found = []

        def walk(schema, where, depth=0, seen=()):
            if depth > 12:
                return
            if isinstance(schema, dict) and "$ref" in schema:
                if schema["$ref"] in seen:
                    return
                seen = seen + (schema["$ref"],)
            f = spec.flatten(schema)
            t = f.get("type")
            if t == "string":
                if f.get("maxLength") is None and not f.get("enum") and f.get("format") not in ("date", "date-time") \
                        and "const" not in f:
                    found.append((where, "string without maxLength"))
            elif t == "integer" or t == "number":
                if f.get("maximum") is None and f.get("exclusiveMaximum") is None and not f.get("enum"):
                    found.append((where, f"{t} without maximum"))
            elif t == "array":
                if f.get("maxItems") is None:
                    found.append((where, "array without maxItems"))
                walk(f.get("items", {}), where + "[]", depth + 1, seen)
            if t == "object" or f.get("properties"):
                for name, sub in (f.get("properties") or {}).items():
                    walk(sub, f"{where}.{name}" if where else name, depth + 1, seen)
                ap = f.get("additionalProperties")
                if isinstance(ap, dict) and ap:
                    walk(ap, where + ".*", depth + 1, seen)

        for op in ops:
            for p in op.params:
                schema = p.get("schema") or (next(iter(p["content"].values())).get("schema", {}) if p.get("content") else {})
                before = len(found)
                walk(schema, f"{p.get('in')} {p.get('name')}")
                found[before:] = [(str(op), w, why) for w, why in found[before:]]
            for ctype, schema in op.body_content.items():
                if schema is None:
                    found.append((str(op), f"body({ctype})", "request body without a schema"))
                    continue
                before = len(found)
                walk(schema, f"body({ctype})")
                found[before:] = [(str(op), w.replace(f"body({ctype}).", f"body({ctype}) ", 1), why) for w, why in found[before:]]
        return found

    def main(self):
        start = time.monotonic()
        try:
            r = self.client.request("GET", "/openapi.json", [("Accept", "application/json")])
        except NoAnswer as e:
            print(f"cannot read /openapi.json: {e}")
            print("0 passed, 1 failed")
            return 1
        spec = Spec(json.loads(r.body))
        ops = spec.operations()
        self.ops = ops
        ops_by_path = {(o.method, o.path): o for o in ops}
        print(f"{len(ops)} operations in the spec, on {len(spec.doc.get('paths', {}))} paths", flush=True)

        unbounded = self.bounds(spec, ops)
        if unbounded:
            print(f"spec bounds: {len(unbounded)} members without an upper bound"
                  + (" (allowed by HOSTILE_ALLOW_UNBOUNDED=1)" if self.allow_unbounded else ""))
            for opname, where, why in unbounded:
                if self.allow_unbounded:
                    print(f"UNBOUNDED {opname} | {where}: {why}")
                else:
                    self.fail("unbounded", opname, where, "-", why.encode())

        self.collect_cursors(ops, ops_by_path)

        def rank(o):
            last = o.path.rstrip("/").split("/")[-1]
            if o.method == "DELETE":
                return 3
            if o.method == "POST" and last == "restore":
                return 4  # after the archives, so some records are archived
            return {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 2, "PATCH": 2}.get(o.method, 2)

        ordered = sorted(ops, key=lambda o: (rank(o), o.path, o.method))
        only = os.environ.get("HOSTILE_ONLY")
        if only:
            ordered = [o for o in ordered if re.search(only, str(o))]
            print(f"HOSTILE_ONLY={only}: {len(ordered)} of them", flush=True)
        self.reset_state()
        for op in ordered:
            if self.dead:
                break
            n0, f0, t0 = self.cases_run, len(self.failures), time.monotonic()
            self.statuses = {}
            if op.is_write():
                self.reset_state()
            for c in self.cases_for(op, ops_by_path):
                self.run(c)
                if self.dead:
                    break
            if self.pending and not self.dead:
                self.verify_pending()
            seen = " ".join(f"{k}x{v}" for k, v in sorted(self.statuses.items()))
            print(f"  {op}: {self.cases_run - n0} cases, {len(self.failures) - f0} failed, {time.monotonic() - t0:.1f} s;"
                  f" baseline {self.baseline_target}; answers {seen}", flush=True)

        # Per path: a method the spec does not declare must be 405, problem+json.
        if not self.dead and not only:
            paths = {}
            for o in ops:
                paths.setdefault(o.path, set()).add(o.method)
            for path, methods in sorted(paths.items()):
                other = next((m for m in ("PUT", "PATCH", "DELETE", "POST", "GET") if m not in methods), None)
                if other is None:
                    continue
                o = ops_by_path[(sorted(methods)[0], path)]
                c = Case(o, f"undeclared method {other}", self.fill_path(o, ops_by_path), self.auth(), None, kind="method")
                c.method = other
                self.reset_state()
                self.run(c)
                if self.pending and not self.dead:
                    self.verify_pending()
                if self.dead:
                    break

        groups = {}
        for kind, opname, label, status, _ in self.failures:
            groups.setdefault(kind, set()).add((opname, label.split(":")[0], status))
        if self.slow:
            print(f"{len(self.slow)} slow cases (over {SLOW:.0f} s):")
            for opname, label, status, elapsed in self.slow:
                print(f"SLOW {opname} | {label} -> {status} in {elapsed:.1f} s")
        if self.notes:
            print(f"{len(self.notes)} cases refused by the HTTP parser itself (empty 4xx, passed):")
            seen = set()
            for opname, label, status in self.notes:
                key = (label.split(":")[-1].strip(), status)
                if key not in seen:
                    seen.add(key)
                    print(f"NOTE protocol-level {status}: {label} (e.g. {opname})")
        if self.skipped:
            print(f"{len(self.skipped)} cases skipped (HOSTILE_SKIP={self.skip}):")
            for label in self.skipped[:50]:
                print(f"SKIPPED {label}")
        print(f"{self.cases_run} cases on {len(ops)} operations in {time.monotonic() - start:.0f} s")
        for kind in sorted(groups):
            print(f"  {kind}: {sum(1 for f in self.failures if f[0] == kind)} failures")
        passed = self.cases_run - len(self.failed_cases)
        print(f"{passed} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0


def collect_strings(value, into):
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            collect_strings(v, into)
    elif isinstance(value, list):
        for v in value:
            collect_strings(v, into)


def strip_key(value, key):
    if isinstance(value, dict):
        return {k: strip_key(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [strip_key(v, key) for v in value]
    return value


def unfill(filled, ops_by_path):
    """The spec path a filled-in path came from, if any."""
    parts = filled.split("/")
    for (_, path) in ops_by_path:
        sp = path.split("/")
        if len(sp) == len(parts) and all(a == b or a.startswith("{") for a, b in zip(sp, parts)):
            return path
    return filled


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(Suite(sys.argv[1]).main())
