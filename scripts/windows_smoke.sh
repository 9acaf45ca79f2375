#!/usr/bin/env bash
# Windows smoke test, on Linux: builds the Windows zip (scripts/dist.sh --platform win-amd64),
# unpacks it into a folder whose name has Chinese characters and a space, and runs it under Wine:
#   doctor; run on the samples (manifest compared with a Linux run's); check on one file (Chinese
#   report); audit of the run; a locked input file; the double-clicked start (the page served).
# The output folder's path is over 260 characters. Needs Debian 12; installs what it lacks with
# apt-get (as root). Prints the time each part took. Run from anywhere:
#   scripts/windows_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
seconds() { date +%s; }
t0=$(seconds)

if ! [ -x /usr/bin/rustc ] || ! [ -d /usr/lib/rustlib/src/rust/library ] \
    || ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! [ -x /usr/lib/wine/wine64 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64 >/dev/null
fi
t_install=$(seconds)

scripts/dist.sh --platform win-amd64
t_build=$(seconds)

version="$(grep -m1 '^version' Cargo.toml | cut -d '"' -f2)"
work="$(mktemp -d)"
export WINEDEBUG=-all WINEPREFIX="$work/wine" LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
app="$work/盲评 工具"
mkdir -p "$app"
python3 -m zipfile -e "dist/blindfold-$version-win-amd64.zip" "$app"
exe_dir="$app/blindfold-$version-win-amd64"
# Test-only: Wine 8.0 lacks bcryptprimitives.dll (every Windows 10 has it).
x86_64-w64-mingw32-gcc -shared -o "$exe_dir/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c -ladvapi32
x86_64-w64-mingw32-gcc -municode -o "$work/hold_file.exe" tests/windows/hold_file.c

wine() { /usr/lib/wine/wine64 "$@"; }
# The Windows form of a Unix path (Wine's drive Z: is /).
win() { local p="${1//\//\\}"; printf 'Z:%s' "$p"; }
fail() { echo "windows smoke: FAILED: $*" >&2; exit 1; }

intake="$work/申请 材料"
cp -r samples/intake "$intake"
long="$work/out"
for part in 第一层-输出文件夹-名字很长很长 second-level-output-folder-with-a-long-name \
    third-level-output-folder-with-a-long-name fourth-level-output-folder-with-a-long-name \
    fifth-level-output-folder-with-a-long-name sixth-level-output-folder-with-a-long-name; do
  long="$long/$part"
done
win_out="$(win "$long/windows")"
[ "${#win_out}" -gt 260 ] || fail "output path only ${#win_out} characters"

echo "== doctor"
wine "$exe_dir/blindfold.exe" doctor || fail "doctor"
t_doctor=$(seconds)

echo "== run on the samples"
wine "$exe_dir/blindfold.exe" run "$(win "$intake")" --out "$win_out" \
  --roster "$(win "$root/samples/roster.csv")" 2>"$work/run-windows.txt" \
  || { cat "$work/run-windows.txt"; fail "run"; }
cat "$work/run-windows.txt"
t_run=$(seconds)

echo "== the same run on Linux"
# The binary of the test build (.ci/run made it already; a plain `cargo build` would build every
# crate again with other features, and twice the disk).
cargo test --locked --no-run --quiet
target/debug/blindfold run "$intake" --out "$long/linux" --roster samples/roster.csv \
  2>"$work/run-linux.txt" || { cat "$work/run-linux.txt"; fail "Linux run"; }
cat "$work/run-linux.txt"
python3 scripts/compare_manifests.py "$long/linux/manifest.jsonl" "$long/windows/manifest.jsonl" \
  || fail "the Windows manifest differs from the Linux one"
t_linux=$(seconds)

echo "== check on one file, in Chinese"
sample="$intake/01_阿依古丽·买买提/阿依古丽·买买提-身份证正面.jpg"
wine "$exe_dir/blindfold.exe" check "$(win "$sample")" --name 阿依古丽·买买提 \
  --unit 焉耆回族自治县人民医院 --out "$(win "$work/checked")" --lang zh >"$work/check.txt" \
  || { cat "$work/check.txt"; fail "check"; }
cat "$work/check.txt"
grep -q "是否需要遮盖：是" "$work/check.txt" || fail "check's report"

echo "== audit of the Windows run"
wine "$exe_dir/blindfold.exe" audit "$win_out" --intake "$(win "$intake")" \
  --roster "$(win "$root/samples/roster.csv")" || fail "audit"

echo "== a locked input file"
locked="$work/locked/锁定的 扫描件.jpg"
mkdir -p "$work/locked"
cp "$sample" "$locked"
wine "$work/hold_file.exe" "$(win "$locked")" 20 >"$work/hold.txt" &
holder=$!
for _ in $(seq 100); do grep -q holding "$work/hold.txt" && break; sleep 0.2; done
grep -q holding "$work/hold.txt" || fail "hold_file did not hold the file"
status=0
wine "$exe_dir/blindfold.exe" check "$(win "$locked")" --name 阿依古丽·买买提 \
  --unit 焉耆回族自治县人民医院 --out "$(win "$work/checked-locked")" --lang en \
  >"$work/locked.txt" || status=$?
kill "$holder" 2>/dev/null || true
cat "$work/locked.txt"
[ "$status" = 1 ] || fail "check of a locked file exited with $status, not 1"
grep -q "open in another program" "$work/checked-locked/manifest.jsonl" \
  || fail "no clear message for a locked file"

# Waits for the keyed address that a starting page prints into $1, then gets a 200 from it.
answers_200() {
  local url=""
  for _ in $(seq 150); do
    url=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$1" \
      | grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[A-Za-z0-9_-]*' | head -1) || true
    [ -n "$url" ] && break
    sleep 1
  done
  [ -n "$url" ] || { cat "$1"; return 1; }
  python3 - "$url" <<'PY'
import http.cookiejar, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
status = opener.open(sys.argv[1], timeout=30).status
print(f"page: HTTP {status}")
sys.exit(status != 200)
PY
}

echo "== double-clicked: no arguments, a console of its own, the page served"
# Under Wine a terminal gives the exe a console of its own, as Explorer does on Windows: it must
# serve the local web page and print its keyed address; the page must answer 200.
timeout 180 script -qec "/usr/lib/wine/wine64 '$exe_dir/blindfold.exe'" /dev/null \
  </dev/null >"$work/double-click.txt" 2>&1 &
answers_200 "$work/double-click.txt" || fail "the double-clicked page did not answer 200"
grep -q "blindfold --help" "$work/double-click.txt" || fail "no word on the command line"
/usr/lib/wine/wineserver -k 2>/dev/null || true
wait || true

echo "== the zip's 开始检查 starter serves the page"
timeout 180 script -qec "cd '$exe_dir' && /usr/lib/wine/wine64 cmd /c 开始检查.cmd" /dev/null \
  </dev/null >"$work/starter.txt" 2>&1 &
answers_200 "$work/starter.txt" || fail "the 开始检查 starter's page did not answer 200"
/usr/lib/wine/wineserver -k 2>/dev/null || true
wait || true

echo "== Chinese from the Windows user locale (LANG unset inside Windows)"
locale -a | grep -qi '^zh_CN.utf8$' || localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
cp "$sample" "$work/身份证正面.jpg"
(cd "$exe_dir" && LANG=zh_CN.UTF-8 wine cmd /c "set LANG=&& blindfold.exe check $(win "$work/身份证正面.jpg") \
  --name 阿依古丽·买买提 --unit 焉耆回族自治县人民医院 --out $(win "$work/checked-zh")") >"$work/check-zh.txt" \
  || { cat "$work/check-zh.txt"; fail "check without --lang"; }
grep -q "是否需要遮盖：是" "$work/check-zh.txt" || { cat "$work/check-zh.txt"; fail "not Chinese"; }
t_end=$(seconds)

rate() { grep -o '[0-9.]* pages/min' "$1" | head -1; }
echo "windows smoke: passed; zip $(du -h "dist/blindfold-$version-win-amd64.zip" | cut -f1)," \
  "install $((t_install - t0)) s, cross-build $((t_build - t_install)) s," \
  "Wine: doctor $((t_doctor - t_build)) s, run $((t_run - t_doctor)) s ($(rate "$work/run-windows.txt"))," \
  "Linux run $(rate "$work/run-linux.txt"), check+audit+lock+start $((t_end - t_linux)) s," \
  "in all $((t_end - t0)) s"
