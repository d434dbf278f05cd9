#!/usr/bin/env bash
# report.html in a real browser (Debian's chromium, headless, installed if missing), with the
# network cut off: a small comparison of the test fixture is run with --report, and the page
# must load without a console message, without any request (every file, font or picture it
# needed would be one), with every chart (svg) laid out at a non-zero size and nothing wider
# than a 1280-pixel screen; printed to PDF (A4) it must come to a sensible number of pages.
# A screenshot and the PDF are made in a temporary folder, removed at the end.
#
#   .ci/report-browser.sh                          the check above (CI)
#   .ci/report-browser.sh --folder DIR             the same checks on DIR/report.html
#   .ci/report-browser.sh --screenshot FILE        compare scenarios/baseline.toml with
#                                                  scenarios/recommendations/*.toml at 60,000
#                                                  agents and 4 replicates with --report, check
#                                                  its page, and save its screenshot as FILE
#                                                  (docs/report.png is made so)
#
# Run after the release build (`cargo test --release` builds target/release/crossroads); needs
# python3 and, to install chromium, root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

folder=''
screenshot=''
while (($#)); do
    case $1 in
    --folder) folder=${2:?--folder needs a folder}; shift 2 ;;
    --screenshot) screenshot=${2:?--screenshot needs a file name}; shift 2 ;;
    *) echo "usage: $0 [--folder DIR] [--screenshot FILE]" >&2; exit 2 ;;
    esac
done

start=$SECONDS
exe=$PWD/target/release/crossroads
[[ -n $folder || -x $exe ]] || { echo "FAIL: $exe is not built" >&2; exit 1; }

if ! command -v chromium >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends chromium >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
fi
chromium --version 2>/dev/null
installed=$SECONDS

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -z $folder ]]; then
    folder=$tmp/compare-baseline
    if [[ -n $screenshot ]]; then
        # Run from the temporary folder, so that the page names its folder as the default
        # output folder's name, not a temporary path.
        repo=$PWD
        (cd "$tmp" && "$exe" compare "$repo/scenarios/baseline.toml" \
            "$repo"/scenarios/recommendations/*.toml \
            --agents 60000 --replicates 4 --report --quiet --out compare-baseline >/dev/null)
    else
        fixture=$PWD/tests/fixtures/small.toml
        cat >"$tmp/enforcement.toml" <<TOML
extends = "$fixture"
name = "enforcement"
description = "Stronger enforcement: twenty times the investigations"
[[event]]
date = "2023-01"
phase_in_months = 6
set = { "policy.enforcement.p_investigation" = 0.02, "policy.recruitment.p_cap_enforcement" = 0.05 }
TOML
        "$exe" compare "$fixture" "$tmp/enforcement.toml" \
            --agents 8000 --replicates 3 --report --quiet --out "$folder" >/dev/null
    fi
fi
report=$(cd "$folder" && pwd)/report.html
[[ -f $report ]] || { echo "FAIL: $report does not exist" >&2; exit 1; }
echo "checking $report ($(wc -c <"$report") bytes)"

# A profile of its own, no proxy but a closed port (no network), and none of the browser's own
# background requests.
browser=(chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars
    --user-data-dir="$tmp/profile" --no-first-run --no-default-browser-check
    --disable-background-networking --disable-component-update --disable-sync
    --disable-extensions --disable-default-apps
    --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>')

# The page must not need a script; the check does, so it lives in a wrapper that loads the page
# in a frame (same origin for file pages with --allow-file-access-from-files) and writes what it
# found into its own document, which --dump-dom prints.
cat >"$tmp/check.html" <<HTML
<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="report" src="file://$report" style="width:1280px;height:20000px;border:0"></iframe>
<pre id="result">REPORT-CHECK {"error":"the page did not load"}</pre>
<script>
document.getElementById('report').addEventListener('load', () => {
  const frame = document.getElementById('report');
  const out = {};
  try {
    const doc = frame.contentDocument;
    const win = frame.contentWindow;
    const svgs = Array.from(doc.querySelectorAll('svg'));
    out.svgs = svgs.length;
    out.zero = svgs.filter(s => {
      const r = s.getBoundingClientRect();
      return !(r.width >= 1 && r.height >= 1);
    }).map(s => s.getAttribute('aria-label') || '(no label)');
    out.requests = win.performance.getEntriesByType('resource').map(e => e.name);
    out.loading = Array.from(doc.querySelectorAll(
      'script, iframe, img, link, object, embed, video, audio, source, image, use[href]'
    )).map(e => e.outerHTML.slice(0, 120));
    out.css_urls = Array.from(doc.styleSheets).flatMap(s => Array.from(s.cssRules))
      .filter(r => /url\(|@import/.test(r.cssText)).map(r => r.cssText.slice(0, 120));
    out.overflow = doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
    out.sections = Array.from(doc.querySelectorAll('section')).map(s => s.id);
  } catch (e) {
    out.error = 'cannot inspect the page: ' + e;
  }
  document.getElementById('result').textContent = 'REPORT-CHECK ' + JSON.stringify(out);
});
</script>
</body></html>
HTML

"${browser[@]}" --allow-file-access-from-files --enable-logging=stderr --v=0 \
    --window-size=1280,1000 --virtual-time-budget=10000 \
    --dump-dom "file://$tmp/check.html" >"$tmp/dom.html" 2>"$tmp/browser.log"
"${browser[@]}" --window-size=1280,2000 --virtual-time-budget=10000 \
    --screenshot="$tmp/report.png" "file://$report" >/dev/null 2>>"$tmp/browser.log"
"${browser[@]}" --no-pdf-header-footer --virtual-time-budget=10000 \
    --print-to-pdf="$tmp/report.pdf" "file://$report" >/dev/null 2>>"$tmp/browser.log"

python3 - "$tmp" <<'PY'
import html, json, re, sys
tmp = sys.argv[1]
fail = []
dom = open(f"{tmp}/dom.html", encoding="utf-8").read()
found = re.search(r'<pre id="result">REPORT-CHECK (.*?)</pre>', dom, re.S)
r = json.loads(html.unescape(found.group(1))) if found else {"error": "no result"}
if "error" in r:
    fail.append(r["error"])
else:
    print(f"sections: {', '.join(r['sections'])}; charts: {r['svgs']}")
    if r["svgs"] == 0:
        fail.append("no chart on the page")
    for label in r["zero"]:
        fail.append(f"a chart of zero size: {label[:100]}")
    for u in r["requests"]:
        fail.append(f"a request: {u}")
    for e in r["loading"]:
        fail.append(f"an element that loads something: {e}")
    for c in r["css_urls"]:
        fail.append(f"a style that loads something: {c}")
    if r["overflow"] > 0:
        fail.append(f"the page is {r['overflow']} pixels wider than a 1280-pixel window")
# Console messages of any page but the check's own (the report has no script; a message would
# be an error or a warning about it).
for line in open(f"{tmp}/browser.log", encoding="utf-8", errors="replace"):
    if ":CONSOLE" in line:
        fail.append(f"console: {line.strip()[:200]}")
pdf = open(f"{tmp}/report.pdf", "rb").read()
pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
print(f"PDF: {pages} A4 pages, {len(pdf)} bytes")
if not 2 <= pages <= 40:
    fail.append(f"the PDF has {pages} pages (expected 2 to 40)")
png = open(f"{tmp}/report.png", "rb").read()
if not png.startswith(b"\x89PNG") or len(png) < 10_000:
    fail.append("no screenshot")
for f in fail:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if fail else 0)
PY

if [[ -n $screenshot ]]; then
    cp "$tmp/report.png" "$screenshot"
    echo "wrote $screenshot ($(wc -c <"$screenshot") bytes)"
fi
echo "report in the browser: OK in $((SECONDS - installed)) s (chromium ready after $((installed - start)) s)"
