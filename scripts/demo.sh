#!/usr/bin/env bash
# The main job end to end on the example workspace (make demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/atlas-release
sandbox=$PWD/bin/zendesk-sandbox
ws=examples/atlas
out=$PWD/.demo
# A sandbox left running by an earlier demo goes first.
if [ -f "$out/zendesk-sandbox.pid" ]; then
	kill "$(cat "$out/zendesk-sandbox.pid")" 2>/dev/null || true
fi
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Validate the example workspace ($ws)"
"$bin" -C "$ws" validate

step "What a customer on 4.1 faces to reach 4.3"
"$bin" -C "$ws" plan --from 4.1 --to 4.3

step "What deploying 4.3 on a new tenant takes (a customer being implemented)"
"$bin" -C "$ws" plan --install 4.3

step "A throwaway signing key, for this demo only ($out/keys)"
"$bin" keygen --out-dir "$out/keys" --unencrypted

step "Cut 4.3: validate, render, bundle, checksum, sign, metadata"
"$bin" -C "$ws" cut 4.3 --key "$out/keys/atlas-release.key" --dist "$out/dist"

step "Check every download as a customer would"
pub=$(tail -n 1 "$out/keys/atlas-release.pub")
for f in "$out"/dist/4.3.0/*.tar.gz "$out/dist/4.3.0/SHA256SUMS"; do
	"$bin" verify "$f" --key "$pub" --expect-version 4.3
done
if command -v minisign >/dev/null; then
	(cd "$out/dist/4.3.0" && for f in *.tar.gz SHA256SUMS; do minisign -H -Vm "$f" -P "$pub" | sed -n "1,1p"; done)
fi
(cd "$out/dist/4.3.0" && sha256sum -c --strict SHA256SUMS)
"$bin" verify "$out/dist/4.3.0/atlas-4.3.0-from-4.1.0.tar.gz" --key "$pub" --extract "$out/runbook-4.1-to-4.3" >/dev/null

step "Changelog and what changed in the procedure from 4.2 to 4.3"
"$bin" -C "$ws" changelog --out "$out/CHANGELOG.md"
"$bin" -C "$ws" diff 4.2 4.3 > "$out/runbook-4.2-vs-4.3.diff"
head -n 20 "$out/runbook-4.2-vs-4.3.diff"
echo "… (the whole diff: $out/runbook-4.2-vs-4.3.diff)"

step "Publish the release notes and upgrade guides of 4.2 and 4.3 to a ZenDesk sandbox (en-us, and de for 4.3)"
# The sandbox runs on after the demo, detached, so that its help center can be
# looked at in a browser; its state is kept in $out/zendesk-sandbox.json.
nohup "$sandbox" -C "$ws" -addr 127.0.0.1:0 -state "$out/zendesk-sandbox.json" -url-file "$out/zendesk-sandbox.url" \
	>"$out/zendesk-sandbox.log" 2>&1 &
echo $! > "$out/zendesk-sandbox.pid"
for _ in $(seq 50); do [ -s "$out/zendesk-sandbox.url" ] && break; sleep 0.1; done
zendesk_url=$(cat "$out/zendesk-sandbox.url")
export ZENDESK_URL=$zendesk_url ZENDESK_OAUTH_TOKEN=sandbox
"$bin" -C "$ws" publish zendesk 4.2 4.3 --dist "$out/dist" --unsigned-from-workspace --public-key "$out/keys/atlas-release.pub"
echo
echo "Publishing again writes nothing:"
"$bin" -C "$ws" publish zendesk 4.2 4.3 --dist "$out/dist" --unsigned-from-workspace --public-key "$out/keys/atlas-release.pub" | tail -n 1

step "Which customers need which upgrade to 4.3 (customers.yaml)"
"$bin" -C "$ws" upgrades plan --to 4.3

step "Schedule Contoso's upgrade: the change ticket in the sandbox, and their communications"
# As on 20 November 2026: Contoso's change board needs 14 days' notice.
"$bin" -C "$ws" upgrades schedule contoso --to 4.3 --today 2026-11-20 --date 2026-12-05 --out "$out/contoso"
"$bin" -C "$ws" upgrades schedule contoso --to 4.3 --today 2026-11-20 --date 2026-12-05 | sed -n "1,1p"

step "Roll 4.3 out across the fleet: ring by ring, against the standby roster (dry run, with rosters)"
# The plan is made as on 30 November 2026, so that the demo shows the same
# rollout every day it runs.
"$bin" -C "$ws" upgrades rollout --to 4.3 --today 2026-11-30 --out "$out/rosters"

step "Apply the rollout to the sandbox: ring 0's change tickets, assigned to the standby engineer"
"$bin" -C "$ws" upgrades rollout --to 4.3 --today 2026-11-30 --apply | sed -n "1,6p"
echo
echo "Applying again writes nothing:"
"$bin" -C "$ws" upgrades rollout --to 4.3 --today 2026-11-30 --apply | sed -n '4,6p'

step "When could Contoso upgrade, and why not sooner?"
"$bin" -C "$ws" upgrades propose contoso --to 4.3 --today 2026-11-30

step "After the townhall: a message to each customer's owner, written out and posted as a ticket"
"$bin" -C "$ws" upgrades announce --to 4.3 --today 2026-11-30 --read-tickets --out "$out/announce"
"$bin" -C "$ws" upgrades announce --to 4.3 --today 2026-11-30 --apply | tail -n 4

step "The release calendar of 2023"
"$bin" -C "$ws" calendar 2023

step "What customers get"
cat <<MSG
Release folder:      $out/dist/4.3.0/
  release notes:     release-notes.md, release-notes.html (ZenDesk-safe fragment)
  upgrade guide:     upgrade-guide.md, upgrade-guide.html
  runbook bundles:   atlas-4.3.0-from-{4.0.0,4.1.0,4.2.0}.tar.gz (+ .minisig)
  install bundle:    atlas-4.3.0-install.tar.gz (+ .minisig), for a new tenant
  checksums:         SHA256SUMS (+ .minisig), metadata.json
  communications:    in every bundle: change request (deployment request), announcements, maintenance-window.ics
Extracted runbook:   $out/runbook-4.1-to-4.3/runbook.html  <- open it in a browser
Contoso's upgrade:   $out/contoso/ (change request, announcements, calendar)
Standby rosters:     $out/rosters/standby-*.ics (one per engineer)
Owners' messages:    $out/announce/<customer>.md (upgrades announce)
Help Center:         $zendesk_url/hc/en-us  (and /hc/de)  <- open it in a browser
                     the sandbox keeps running; stop it with: kill \$(cat $out/zendesk-sandbox.pid)
MSG

step "Estimates against actuals: what the recorded upgrades to 4.3 really took (history/4.3.0.yaml)"
"$bin" -C "$ws" upgrades report --to 4.3

step "Where the fleet stands, as on 10 December 2026: versions, tickets as ZenDesk says them, the rollout by ring"
"$bin" -C "$ws" upgrades status --today 2026-12-10 --html "$out/fleet-status.html"
