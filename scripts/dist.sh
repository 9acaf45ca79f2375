#!/usr/bin/env bash
# Assembles a self-contained folder: the release binary, the native libraries for this platform,
# the models and the README. Copy the folder to another machine of the same platform and run
# `./blindfold doctor` there.
#   scripts/dist.sh            -> dist/blindfold-<version>-<platform>/
set -euo pipefail
cd "$(dirname "$0")/.."
platform="$(python3 scripts/fetch_runtime.py --print-platform)"
python3 scripts/fetch_runtime.py --platform "$platform"
cargo build --release
version="$(grep -m1 '^version' Cargo.toml | cut -d '"' -f2)"
dest="dist/blindfold-$version-$platform"
rm -rf "$dest"
mkdir -p "$dest/runtime" "$dest/models"
exe=blindfold
[ "$platform" = win-amd64 ] && exe=blindfold.exe
cp "target/release/$exe" "$dest/"
cp runtime/"$platform"/* "$dest/runtime/"
cp models/* "$dest/models/"
cp README.md "$dest/"
echo "dist: $dest"
