#!/usr/bin/env python3
"""Rebuild the real-scan evaluation sets (tune, heldout, and tune2 and tune3: sources found after the split, for tuning only) from public GitHub snapshots.

    python3 scripts/realset.py [--out /work/corpus] [--mirror /work/.mirror]

Reads benches/realset/sources.json (repo, commit, path, sha256, split, source_file per page image) and
benches/realset/truth.json (full annotation of both halves, "split" per file and per applicant).
Each image is taken with `git show COMMIT:PATH` from the bare snapshot MIRROR/<owner>+<name>/repo[/.git]
and checked against its sha256; then OUT/<split>/{intake/<folder>/<file>, roster.csv, truth.json} are written
in the format of shared/eval (score.py --set OUT/tune ...). Snapshots missing from MIRROR are listed; bring them
with the session's `fetch` tool (github:<owner>/<name>) and run again. No image bytes are kept in this repository.
Standard library only.
"""
import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "benches", "realset")
TOP = ("version", "variant", "pdf_dpi", "required_kinds", "recall_threshold", "mask_luminance_max")


def git_dir(mirror, repo):
    d = os.path.join(mirror, repo.replace("/", "+"), "repo")
    return os.path.join(d, ".git") if os.path.isdir(os.path.join(d, ".git")) else d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/work/corpus")
    ap.add_argument("--mirror", default="/work/.mirror")
    a = ap.parse_args()
    sources = json.load(open(os.path.join(BENCH, "sources.json"), encoding="utf-8"))
    truth = json.load(open(os.path.join(BENCH, "truth.json"), encoding="utf-8"))
    missing = sorted({s["repo"] for s in sources if not os.path.isdir(git_dir(a.mirror, s["repo"]))})
    if missing:
        print("missing snapshots (fetch them, e.g. fetch github:<owner>/<name>):", file=sys.stderr)
        for r in missing:
            print("  ", r, file=sys.stderr)
        sys.exit(2)
    bad = 0
    for half in sorted({s["split"] for s in sources}):
        root = os.path.join(a.out, half)
        shutil.rmtree(os.path.join(root, "intake"), ignore_errors=True)
        for s in (s for s in sources if s["split"] == half):
            data = subprocess.run(["git", "--git-dir", git_dir(a.mirror, s["repo"]), "show",
                                   f'{s["commit"]}:{s["path"]}'], capture_output=True).stdout
            if hashlib.sha256(data).hexdigest() != s["sha256"]:
                print(f'sha256 mismatch: {s["repo"]} {s["commit"]}:{s["path"]}', file=sys.stderr)
                bad += 1
                continue
            dst = os.path.join(root, "intake", s["source_file"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as fh:
                fh.write(data)
        apps = [x for x in truth["applicants"] if x["split"] == half]
        with open(os.path.join(root, "roster.csv"), "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["folder", "name", "unit", "aliases"])
            for x in apps:
                w.writerow([x["folder"], x["name"], x["unit"], "|".join(x["aliases"])])
        t = {k: truth[k] for k in TOP}
        t["variant"] = f"real-{half}"
        t["split_rule"] = truth.get("split_rule", "")
        t["applicants"] = [{k: v for k, v in x.items() if k != "split"} for x in apps]
        t["files"] = [f for f in truth["files"] if f["split"] == half]
        with open(os.path.join(root, "truth.json"), "w", encoding="utf-8") as fh:
            json.dump(t, fh, ensure_ascii=False, indent=1)
        n = sum(len(f["pages"]) for f in t["files"])
        print(f"{half}: {len(t['files'])} files, {n} pages, {len(apps)} applicants -> {root}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
