#!/usr/bin/env bash
# Fuzzes one parser of Reporting.Format with afl-fuzz for a bounded time, then prints what it did.
#   tests/Reporting.Fuzz/fuzz.sh TARGET SECONDS
#   FUZZ_EXECS=10000000 tests/Reporting.Fuzz/fuzz.sh TARGET SECONDS   # stops at that many executions, or SECONDS
# Targets: header armor roster roster-payload freshness report-json bundle.
# Work (published build, findings) goes to $FUZZ_WORK (default /tmp/reporting-fuzz); the seed corpus is
# corpus/TARGET/. A crash is printed with the exception it raised; copy the input into corpus/TARGET/
# so FuzzCorpusTests replays it from then on, and fix the parser. FUZZ_SAVE=1 copies the inputs afl-fuzz
# kept for new coverage into corpus/TARGET/ too (named by content hash), so the tests replay them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:?usage: fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: fuzz.sh TARGET SECONDS}"
work="${FUZZ_WORK:-/tmp/reporting-fuzz}"
[ -d "$here/corpus/$target" ] || { echo "fuzz.sh: no corpus for '$target' (one of: $(ls "$here/corpus" | tr '\n' ' '))" >&2; exit 2; }

# afl++ from Debian, SharpFuzz's instrumenting tool from NuGet, when missing.
if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "fuzz.sh: needs afl-fuzz (sudo apt-get install afl++)" >&2; exit 1
  fi
fi
tools="$work/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# A fresh published copy each time: sharpfuzz rewrites Reporting.Format.dll in place, once.
bin="$work/bin"
rm -rf "$bin"
dotnet publish "$here/Reporting.Fuzz.csproj" -c Release -o "$bin" -nologo -v quiet
"$tools/sharpfuzz" "$bin/Reporting.Format.dll" >/dev/null

findings="$work/findings/$target"
rm -rf "$findings"
mkdir -p "$findings"
# The dotnet host is not instrumented (the library is); no core dumps are wanted; the UI would flood a log.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0 DOTNET_TC_QuickJitForLoops=1 DOTNET_gcServer=0
bound=(-V "$seconds")
[ -n "${FUZZ_EXECS:-}" ] && bound+=(-E "$FUZZ_EXECS")
timeout --signal=INT $((seconds + 120)) \
  afl-fuzz -i "$here/corpus/$target" -o "$findings" "${bound[@]}" -t 5000 -m none \
    -- dotnet "$bin/Reporting.Fuzz.dll" "$target" >"$findings/afl.log" 2>&1 || {
  status=$?
  tail -30 "$findings/afl.log" >&2
  [ -f "$findings/default/fuzzer_stats" ] || { echo "fuzz.sh: afl-fuzz failed ($status)" >&2; exit 1; }
}

stats="$findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "target=$target seconds=$(stat run_time) execs=$(stat execs_done) execs_per_sec=$(stat execs_per_sec) corpus=$(stat corpus_count) crashes=$crashes hangs=$hangs"
if [ "${FUZZ_SAVE:-0}" = 1 ]; then
  for input in "$findings"/default/queue/id:*; do
    case "$input" in *orig:*) continue ;; esac
    cp "$input" "$here/corpus/$target/afl-$(sha256sum "$input" | cut -c1-16)"
  done
fi
if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
  dotnet "$bin/Reporting.Fuzz.dll" replay "$target" "$findings"/default/crashes/id:* "$findings"/default/hangs/id:* 2>&1 | grep -v '^accepted\|^refused' | cut -c1-600 || true
  exit 1
fi
