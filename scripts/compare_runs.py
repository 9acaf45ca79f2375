#!/usr/bin/env python3
"""Compare two runs' output folders: same manifest lines (timings and fields only one side has
aside) and byte-identical output files.

    python3 scripts/compare_runs.py OUT_A OUT_B

Exits 0 when they agree, 1 with the differences listed. Standard library only.
"""
import hashlib
import json
import sys
from pathlib import Path

IGNORED = {"seconds"}


def manifest(out):
    lines = [json.loads(l) for l in (out / "manifest.jsonl").read_text("utf-8").splitlines() if l.strip()]
    return {(l["source"], l["page"]): l for l in lines}


def files(out):
    root = out / "files"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


def main():
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    problems = []
    ma, mb = manifest(a), manifest(b)
    for key in sorted(set(ma) | set(mb), key=str):
        la, lb = ma.get(key), mb.get(key)
        if la is None or lb is None:
            problems.append(f"{key}: only in {'B' if la is None else 'A'}")
            continue
        for field in sorted((set(la) & set(lb)) - IGNORED):
            if la[field] != lb[field]:
                problems.append(f"{key}: {field} differs: {la[field]!r} vs {lb[field]!r}")
    fa, fb = files(a), files(b)
    for name in sorted(set(fa) | set(fb)):
        if fa.get(name) != fb.get(name):
            problems.append(f"files/{name}: {'missing' if name not in fa or name not in fb else 'bytes differ'}")
    for p in problems:
        print(p)
    print(f"{len(ma)} manifest lines, {len(fa)} output files compared: "
          f"{'identical' if not problems else f'{len(problems)} differences'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
