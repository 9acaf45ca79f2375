#!/usr/bin/env python3
"""Compare two blindfold manifests of the same intake, e.g. a Linux run's and a Windows run's.

    python3 scripts/compare_manifests.py EXPECTED.jsonl ACTUAL.jsonl [--pixels 4]

They agree when they hold the same (source, page) lines with the same output path, page size,
status and masking_required, and the same regions (kind and evidence) whose boxes differ by at
most --pixels on every side. Timings, hashes and messages may differ. Prints every difference
and exits 1 when there is one. Standard library only.
"""
import argparse
import json
import sys

SAME = ("output", "width", "height", "status", "masking_required")


def read(path):
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    return {(line["source"], line["page"]): line for line in lines}


def region_key(region):
    return (region["kind"], region.get("evidence"), region["bbox"][1], region["bbox"][0])


def differences(expected, actual, pixels):
    for key in sorted(expected.keys() | actual.keys(), key=lambda k: (k[0], k[1] or 0)):
        where = f"{key[0]} page {key[1]}"
        if key not in actual:
            yield f"{where}: missing"
            continue
        if key not in expected:
            yield f"{where}: not expected"
            continue
        want, got = expected[key], actual[key]
        for field in SAME:
            if want.get(field) != got.get(field):
                yield f"{where}: {field} {want.get(field)!r} != {got.get(field)!r}"
        want_regions = sorted(want["regions"], key=region_key)
        got_regions = sorted(got["regions"], key=region_key)
        if [(r["kind"], r.get("evidence")) for r in want_regions] != \
                [(r["kind"], r.get("evidence")) for r in got_regions]:
            yield f"{where}: regions {want_regions} != {got_regions}"
            continue
        for w, g in zip(want_regions, got_regions):
            off = max(abs(a - b) for a, b in zip(w["bbox"], g["bbox"]))
            if off > pixels:
                yield f"{where}: {w['kind']} box {w['bbox']} != {g['bbox']} ({off} px off)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--pixels", type=int, default=4, help="largest allowed box difference")
    args = ap.parse_args()
    expected, actual = read(args.expected), read(args.actual)
    found = list(differences(expected, actual, args.pixels))
    for line in found:
        print(line)
    regions = sum(len(line["regions"]) for line in expected.values())
    print(f"{len(expected)} expected lines with {regions} regions: "
          f"{'the same' if not found else f'{len(found)} differences'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
