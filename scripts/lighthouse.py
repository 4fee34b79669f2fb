"""Lighthouse on the built site, desktop and mobile, into benchmarks/lighthouse.json.

    python scripts/lighthouse.py                 # the home page and the diffusion chapter
    python scripts/lighthouse.py "" gan/         # other pages (URL paths under the site)

`make lighthouse` runs it after `make site` and `npm ci`. The site is served on 127.0.0.1 and
audited by Lighthouse (npm, pinned in package.json) driving Debian's Chromium; nothing leaves
the machine. The scores are reported on the Performance page, not gated: on a 2-core machine
shared with other work the performance score moves between runs, so the file also records the
machine, its load and the tool versions.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUTPUT = ROOT / "benchmarks" / "lighthouse.json"
PAGES = ["", "diffusion/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {  # Lighthouse audit id -> what the page shows
    "first-contentful-paint": "First Contentful Paint (ms)",
    "largest-contentful-paint": "Largest Contentful Paint (ms)",
    "total-blocking-time": "Total Blocking Time (ms)",
    "cumulative-layout-shift": "Cumulative Layout Shift",
    "speed-index": "Speed Index (ms)",
    "total-byte-weight": "Page weight (KiB)",
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def audit(url: str, form_factor: str) -> dict[str, Any]:
    """One Lighthouse run; the four category scores (0-100) and the main metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
            "--disable-background-networking --disable-component-update --disable-sync",
            "--quiet",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
        data = json.loads(report.read_text())
    metrics = {}
    for audit_id, label in METRICS.items():
        value = data["audits"][audit_id].get("numericValue")
        if value is not None:
            metrics[label] = round(
                value / 1024 if audit_id == "total-byte-weight" else value, 3 if "Shift" in label else 0
            )
    # What cost points outside performance (whose deductions are the metrics themselves).
    failed = sorted(
        ref["id"]
        for c in CATEGORIES
        if c != "performance"
        for ref in data["categories"][c]["auditRefs"]
        if ref.get("weight")
        and (data["audits"][ref["id"]].get("score") is not None)
        and data["audits"][ref["id"]]["score"] < 1
    )
    browser = re.search(r"Chrome/([\d.]+)", data["environment"]["hostUserAgent"])
    return {
        "scores": {c: round(100 * data["categories"][c]["score"]) for c in CATEGORIES},
        "metrics": metrics,
        "failed audits": failed,
        "lighthouse": data["lighthouseVersion"],
        "browser": browser.group(1) if browser else "?",
    }


def machine() -> dict[str, Any]:
    from painters.core.machine import cpu_name  # the same reading the checkpoint manifests record

    return {"cpu": cpu_name(), "cores": os.cpu_count(), "load average before": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES, help="URL paths under the site (default: home, diffusion/)")
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    args = parser.parse_args()
    if not (args.site / "index.html").exists():
        raise SystemExit(f"no built site in {args.site}: run `make site` first")
    if not LIGHTHOUSE.exists():
        raise SystemExit("no Lighthouse in node_modules: run `npm ci` first")
    server, base = serve(args.site)
    about = machine()
    runs = []
    try:
        for page in args.pages:
            for form_factor in ("desktop", "mobile"):
                start = time.perf_counter()
                result = audit(base + page, form_factor)
                runs.append({"page": "/" + page, "form factor": form_factor, **result})
                print(f"/{page} {form_factor}: {result['scores']} ({time.perf_counter() - start:.0f} s)")
    finally:
        server.shutdown()
    about["load average after"] = [round(x, 2) for x in os.getloadavg()]
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.split()
    about["browser"] = " ".join(version[:2]) if version else "Chromium"
    record = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": about,
        "lighthouse": runs[0]["lighthouse"] if runs else "",
        "runs": [{k: v for k, v in run.items() if k not in ("lighthouse", "browser")} for run in runs],
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
