#!/usr/bin/env python3
"""Fails when the crate's modules import each other in a circle.

Nodes are the crate's module files (`people::db`, `search`, `http`); an
edge A -> B means a `crate::B...` path (in a `use` or inline) appears in A's
file, resolved to the deepest module file that exists. `super::` paths are
read the same way. `#[cfg(test)]` sections are left out: tests may reach
anywhere. Prints each circle (strongly connected component) and exits 1
when there is any; `--graph` prints every edge.
Usage: python3 .ci/module_cycles.py [--graph] [SRC_DIR]
"""
import os
import re
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
src = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "src")
show_graph = "--graph" in sys.argv

modules = {}
for root, _, files in os.walk(src):
    for name in files:
        if not name.endswith(".rs"):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, src)[:-3].split(os.sep)
        if rel[-1] == "mod":
            rel = rel[:-1]
        if rel in (["lib"], ["main"]):
            rel = []
        modules["::".join(rel)] = path


def resolve(parts):
    """The deepest existing module named by a path's leading segments."""
    for n in range(len(parts), 0, -1):
        name = "::".join(parts[:n])
        if name in modules:
            return name
    return None


def strip_tests(text):
    """The file without its `#[cfg(test)] mod ... { ... }` blocks."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def expand_use(body):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    body = re.sub(r"\s+", "", body)
    def expand(s):
        m = re.search(r"\{", s)
        if not m:
            return [s]
        prefix = s[:m.start()]
        depth, j = 0, m.start()
        for j in range(m.start(), len(s)):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                break
        inner, rest = s[m.start() + 1:j], s[j + 1:]
        items, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                items.append(cur); cur = ""
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            cur += ch
        items.append(cur)
        out = []
        for item in filter(None, items):
            for e in expand(item):
                out.append(prefix + e + rest)
        return out
    return expand(body)


edges = {m: set() for m in modules}
for name, path in modules.items():
    text = strip_tests(open(path, encoding="utf-8").read())
    text = re.sub(r"//[^\n]*", "", text)
    here = name.split("::") if name else []
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        paths.extend(expand_use(m.group(1)))
    paths.extend(re.findall(r"\b(?:crate|super)(?:::\w+)+", text))
    for p in paths:
        parts = p.split("::")
        if parts[0] == "crate":
            parts = parts[1:]
        elif parts[0] == "super":
            # `super` of a file module is its parent; of mod.rs, its parent's parent.
            is_dir = path.endswith("mod.rs")
            base = here[:-1] if not is_dir else here[:-1]
            parts = base + parts[1:]
        else:
            continue
        target = resolve(parts)
        if target is not None and target != name and target != "":
            edges[name].add(target)

# A module's own mod.rs declaring its children is not an import.
for name in edges:
    edges[name] = {t for t in edges[name] if not (name and t.startswith(name + "::") and modules[name].endswith("mod.rs") and False)}

if show_graph:
    for a in sorted(edges):
        for b in sorted(edges[a]):
            print(f"{a or 'crate'} -> {b}")

# Tarjan's strongly connected components.
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in sorted(edges):
    if v not in index:
        visit(v)

if sccs:
    for comp in sccs:
        print("import circle: " + " <-> ".join(c or "crate" for c in comp))
        inside = set(comp)
        for a in comp:
            for b in sorted(edges[a] & inside):
                print(f"    {a} -> {b}")
    sys.exit(1)
print(f"{len(modules)} modules, {sum(len(e) for e in edges.values())} imports, no circles")
