#!/usr/bin/env python3
"""Circles of files in src/: a file that imports a file that imports it
back, directly or through others.

    bench/file-circles.py [SRC_DIR]

Each file's `use crate::…`, `use super::…` and `use self::…` (not
`pub use`, a re-export, and not in its `#[cfg(test)]` part or a tests.rs)
is resolved to the file that defines the longest prefix of the path that
is a module. Prints each circle found; exits 1 if there is one.
"""
import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
SRC = os.path.normpath(SRC)


def module_of(path):
    """The module path of a file, as a list: src/http/form.rs -> [http, form]."""
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def file_of(module):
    """The file defining the module, or None."""
    base = os.path.join(SRC, *module) if module else SRC
    for candidate in (base + ".rs", os.path.join(base, "mod.rs")):
        if os.path.isfile(candidate):
            return candidate
    if not module:
        return os.path.join(SRC, "lib.rs")
    return None


def paths_of(tree):
    """`a::{b, c::d}` -> [a::b, a::c::d] (one level of nesting is enough here)."""
    tree = tree.replace(" ", "").replace("\n", "")
    m = re.match(r"^(.*?)::\{(.*)\}$", tree)
    if not m:
        return [tree]
    head, inner = m.groups()
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for p in filter(None, parts):
        out.extend(paths_of(head + "::" + p))
    return out


def imports(path):
    text = open(path, encoding="utf-8").read()
    text = text.split("#[cfg(test)]")[0]
    here = module_of(path)
    is_mod = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
    found = set()
    for m in re.finditer(r"^\s*use\s+([^;]+);", text, re.M):
        for p in paths_of(m.group(1)):
            segs = [s for s in p.split("::") if s]
            if not segs:
                continue
            if segs[0] == "crate":
                base, segs = [], segs[1:]
            elif segs[0] in ("super", "self"):
                # A file's own module is `here`; `super` of a non-mod file is
                # its directory's module.
                base = list(here) if is_mod or segs[0] == "self" else list(here)
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        base = base[:-1]
                    segs = segs[1:]
            else:
                continue
            module = base + segs
            while module and file_of(module) is None:
                module = module[:-1]
            # Stop at the deepest module that is a file (a type's name is not).
            target = file_of(module)
            for i in range(len(base) + len(segs), len(base) - 1, -1):
                f = file_of((base + segs)[:i])
                if f:
                    target = f
                    break
            if target and os.path.normpath(target) != os.path.normpath(path):
                found.add(os.path.normpath(target))
    return found


files = []
for root, _, names in os.walk(SRC):
    for n in names:
        if n.endswith(".rs") and n != "tests.rs":
            files.append(os.path.normpath(os.path.join(root, n)))
graph = {f: imports(f) for f in files}

# Circles: strongly connected components of more than one file.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in graph.get(v, ()):
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
            sccs.append(comp)


sys.setrecursionlimit(10000)
for f in files:
    if f not in index:
        visit(f)

rel = lambda f: os.path.relpath(f, SRC)
for comp in sccs:
    names = sorted(rel(f) for f in comp)
    edges = [f"{rel(a)} -> {rel(b)}" for a in comp for b in graph[a] if b in comp]
    print("circle:", ", ".join(names))
    for e in sorted(edges):
        print("   ", e)
print(f"{len(files)} files, {sum(len(v) for v in graph.values())} imports, {len(sccs)} circles")
sys.exit(1 if sccs else 0)
