#!/usr/bin/env bash
# Runs every test in the solution and ends with the totals on a line of their own.
set -uo pipefail
cd "$(dirname "$0")"
# The tests drive real tools: stock age (interop), microsocks (SOCKS5), exiftool (metadata), script (pty),
# minisign (release signatures; release.sh installs clang and zlib1g-dev for Native AOT itself),
# systemd-analyze and tor (they check server/deploy's unit and torrc lines), chromium with the Noto CJK fonts
# (it renders review's index.html, Korean and Chinese included, as a reviewer's browser would), node and npm
# (typage, the TypeScript age, for post-quantum interop: Debian's age 1.1.1 has no hybrid recipients), and a real
# PostgreSQL (tests/postgres.sh installs and starts it).
need=()
command -v age >/dev/null || need+=(age)
command -v microsocks >/dev/null || need+=(microsocks)
command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
command -v minisign >/dev/null || need+=(minisign)
command -v script >/dev/null || need+=(bsdutils)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v tor >/dev/null || need+=(tor)
command -v chromium >/dev/null || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: the tests need: ${need[*]} (sudo apt-get install ${need[*]})" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# typage at the version package-lock.json pins, from the npm registry, as the Debian packages above.
if [ ! -d tests/typage/node_modules/age-encryption ]; then
  npm ci --prefix tests/typage --no-audit --no-fund --loglevel=error >/dev/null || {
    echo "test.sh: npm could not install typage (tests/typage)" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

results=$(mktemp -d)
# A private PostgreSQL 15 for the PostgreSQL store's tests (installed with apt when missing and run as
# root), on 127.0.0.1, stopped and deleted at the end.
pgdir=$(mktemp -d /tmp/reporting-pg.XXXXXX)
trap 'tests/postgres.sh stop "$pgdir"; rm -rf "$results" "$pgdir"' EXIT
if ! pgenv=$(tests/postgres.sh start "$pgdir"); then
  echo "test.sh: PostgreSQL could not be started (see above)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
eval "$pgenv"

dotnet build Reporting.sln -c Release -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Reporting.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

# Sum the counters of every project's results file: the totals come from the runner, not from us.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# The last line is exactly the totals; skipped tests (theories waiting for a later goal) are named before it.
echo "$skipped skipped"
echo "$passed passed, $failed failed"
exit "$status"
