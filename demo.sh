#!/usr/bin/env bash
# The whole flow on loopback with SQLite and throwaway DEMO keys: never use these keys for real reports.
# A reviewer team makes keys and signs a roster; the server starts; a source submits a sample report
# from seeds/; the reviewers fetch it (online), decrypt it (offline), answer; the source reads the answer.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building the tools (Release)"
dotnet build Reporting.sln -c Release -nologo -v quiet >/dev/null
bin() { echo "$root/$1/bin/Release/net10.0"; }
review="$(bin client/Review)/review"
report="$(bin client/Report)/report"
server_dll="$(bin server/Reporting.Server)/Reporting.Server.dll"

demo=$(mktemp -d -t reporting-demo-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  # DEMO_KEEP=1 keeps the folder to look around in (it holds demo keys and decrypted demo reports).
  if [ "${DEMO_KEEP:-}" = 1 ]; then echo "kept $demo"; else rm -rf "$demo"; fi
}
trap cleanup EXIT
mkdir -p "$demo"/{org,online,offline,source}
# Demo passphrases live in files only so the script needs no typing; real users type them at a prompt.
printf 'demo organisation passphrase\n' > "$demo/org/passphrase"
printf 'demo reviewer passphrase\n' > "$demo/offline/passphrase"
printf 'demo freshness passphrase\n' > "$demo/online/fresh-passphrase"

step "Organisation key (offline): review org init"
org=$("$review" org init --out "$demo/org/org.key" --passphrase-file "$demo/org/passphrase")
echo "organisation public key: $org"

step "Reviewer keys: review keygen --name demo-reviewer"
"$review" keygen --name demo-reviewer --out "$demo/offline" --passphrase-file "$demo/offline/passphrase"
cp "$demo/offline/demo-reviewer.access" "$demo/online/"   # the access key lives on the online workstation

step "Freshness key (a reviewer's machine, never the server): review org fresh-key"
fresh=$("$review" org fresh-key --out "$demo/online/fresh.key" --passphrase-file "$demo/online/fresh-passphrase")

step "Signed roster, version 1, listing the freshness key: review org sign"
"$review" org sign --org-key "$demo/org/org.key" --passphrase-file "$demo/org/passphrase" \
  --entry "$demo/offline/demo-reviewer.entry.json" --version 1 --freshness-key "$fresh" --out "$demo/online/roster.json"

step "Statement that roster 1 is current, for a week (renewed daily in real use): review org fresh"
# Written beside roster.json, where the server looks for it (Reporting:FreshnessFile).
"$review" org fresh --key "$demo/online/fresh.key" --passphrase-file "$demo/online/fresh-passphrase" --org-key "$org" \
  --roster "$demo/online/roster.json" --days 7 --out "$demo/online/roster.fresh"

step "Server on loopback with SQLite"
# Port 0: the system picks a free port and the server's log names it, so a taken port never stops the demo.
Reporting__DataDir="$demo/server" Reporting__RosterFile="$demo/online/roster.json" Reporting__OrgKey="$org" \
  Reporting__PowDifficulty=16 Reporting__MinFreeBytes=$((64 << 20)) dotnet "$server_dll" --urls http://127.0.0.1:0 > "$demo/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 150); do
  url=$(sed -n 's|.*Now listening on: \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$demo/server.log" | head -1)
  [ -n "$url" ] && curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$url" ] && curl -fsS "$url/healthz" >/dev/null || { cat "$demo/server.log"; exit 1; }
echo "listening on $url"

step "Source: report init (pins the server and the organisation key, checks the roster and that it is current)"
"$report" --home "$demo/source" init --server "$url" --org-key "$org" --language en

step "Source: report submit (sample reports from seeds/, one in English with a codename, one in Korean without)"
"$report" --home "$demo/source" --language en submit --category illness --region "Jilin province" --when 2022-12 \
  --text-file seeds/01-fever-without-care.en.txt --yes | tee "$demo/submit.out"
# The codename is shown once to the source; the demo keeps it in a file only to read the answer later.
grep -A1 '^codename:' "$demo/submit.out" | tail -1 | sed 's/^ *//' > "$demo/source/codename"
"$report" --home "$demo/source" --language ko submit --category needs-help --region "랴오닝성" --when 2023-01 \
  --text-file seeds/02-no-papers-no-vaccine.ko.txt --no-reply --yes

step "What the server keeps: ciphertext, a day, a size (no word of the reports)"
if grep -rqa -e "identity card" -e "clinic" "$demo/server"; then echo "plaintext found on the server!"; exit 1; fi
echo "searched $demo/server for words of the reports: none found"

step "Reviewers, online machine: review fetch"
"$review" fetch --server "$url" --access-key "$demo/online/demo-reviewer.access" \
  --passphrase-file "$demo/offline/passphrase" --out "$demo/online/inbox"
ls -l "$demo/online/inbox"

step "Carried by USB to the offline machine: review decrypt"
cp -r "$demo/online/inbox" "$demo/offline/inbox"
"$review" decrypt --identity "$demo/offline/demo-reviewer.identity" --passphrase-file "$demo/offline/passphrase" \
  --in "$demo/offline/inbox" --out "$demo/offline/reports"
report_dir=$(dirname "$(grep -l 'Jilin province' "$demo"/offline/reports/*/report.txt | head -1)")
echo "--- $report_dir/report.txt"
cat "$report_dir/report.txt"
echo "--- index of all reports: $demo/offline/reports/index.html (and index.csv, index.jsonl)"
cat "$demo/offline/reports/index.csv"

step "Offline: review mark (a triage status, kept when decrypt runs again)"
"$review" mark --reports "$demo/offline/reports" "$(basename "$report_dir")" follow-up --note "find a clinic" --language en

step "Offline: review reply"
printf 'We received your report. Stay safe; we are looking for a clinic that will see you.\n' > "$demo/offline/answer.txt"
"$review" reply --identity "$demo/offline/demo-reviewer.identity" --passphrase-file "$demo/offline/passphrase" \
  --report "$report_dir" --text-file "$demo/offline/answer.txt" --out "$demo/offline/answers"

step "Carried back online: review push"
cp -r "$demo/offline/answers" "$demo/online/answers"
# --spread 0 for the demo only: by default answers go out at random moments over 30 minutes.
"$review" push --server "$url" --access-key "$demo/online/demo-reviewer.access" \
  --passphrase-file "$demo/offline/passphrase" --in "$demo/online/answers" --spread 0

step "Source: report replies (proves the codename's mailbox key, decrypts the answer)"
"$report" --home "$demo/source" replies --codename-file "$demo/source/codename"

step "Done: every step worked; cleaning up (DEMO_KEEP=1 keeps the folder)"
