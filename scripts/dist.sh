#!/usr/bin/env bash
# Assembles a self-contained blindfold for one platform: the release binary, the native libraries,
# the models, the licence notices and a README.
#   scripts/dist.sh                       -> dist/blindfold-<version>-linux-x86_64/ (this machine's
#                                            platform); run `./blindfold doctor` in it
#   scripts/dist.sh --platform win-amd64  -> dist/blindfold-<version>-win-amd64.zip, cross-built on
#                                            Linux (Debian 12: apt-get install rustc-web cargo-web
#                                            rust-web-src gcc-mingw-w64-x86-64)
# The Windows build goes to target/windows/ so that it does not disturb the host's target/.
set -euo pipefail
cd "$(dirname "$0")/.."
platform="$(python3 scripts/fetch_runtime.py --print-platform)"
if [ "${1:-}" = --platform ]; then
  platform="${2:?--platform needs a value}"
fi
version="$(grep -m1 '^version' Cargo.toml | cut -d '"' -f2)"
name="blindfold-$version-$platform"
dest="dist/$name"
rm -rf "$dest"
mkdir -p "$dest/models"
python3 scripts/fetch_runtime.py --platform "$platform" --notices "$dest/licenses"

if [ "$platform" = win-amd64 ]; then
  # rustup has no Windows standard library here: Debian's rustc builds it from rust-web-src.
  # Line tables serve no one on a desk PC (panic messages keep file:line): none are built.
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    /usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort \
    --target x86_64-pc-windows-gnu --target-dir target/windows
  # Strip the debug sections that the C runtime and libraries bring.
  x86_64-w64-mingw32-strip --strip-debug -o "$dest/blindfold.exe" \
    target/windows/x86_64-pc-windows-gnu/release/blindfold.exe
  # blindfold finds the DLLs, MANIFEST.txt (the PDFium build) and models/ beside itself.
  cp runtime/win-amd64/*.dll runtime/win-amd64/MANIFEST.txt "$dest/"
  readme=scripts/dist/README-windows.txt
  # The applicant's starter, named in Chinese as the zip's first thing to open.
  cp scripts/dist/开始检查.cmd "$dest/"
else
  cargo build --release --locked
  cp target/release/blindfold "$dest/"
  mkdir -p "$dest/runtime"
  cp runtime/"$platform"/* "$dest/runtime/"
  readme=README.md
fi
cp models/* "$dest/models/"
cp "$readme" "$dest/"

if [ "$platform" = win-amd64 ]; then
  # Notepad reads a text file as UTF-8 for sure with a byte-order mark, and wants CRLF line ends.
  sed -i '1s/^/\xef\xbb\xbf/; s/$/\r/' "$dest/$(basename "$readme")"
  # The zip holds the one folder.
  (cd dist && python3 - "$name" <<'EOF'
import pathlib, sys, zipfile
root = pathlib.Path(sys.argv[1])
with zipfile.ZipFile(f"{root}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for path in sorted(root.rglob("*")):
        z.write(path, path.as_posix())
EOF
  )
  echo "dist: dist/$name.zip ($(du -h "dist/$name.zip" | cut -f1))"
else
  echo "dist: $dest"
fi
