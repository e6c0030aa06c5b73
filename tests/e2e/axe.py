"""axe-core for accessibility checks: from $AXE_CORE_JS, or fetched once with `npm pack` into .ci/cache/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from tests.e2e.servers import ROOT

AXE_VERSION = "4.10.2"
CACHE = ROOT / ".ci" / "cache" / "axe-core"
SERIOUS = {"serious", "critical"}


def axe_source() -> str:
    """The text of axe.min.js, fetching the npm package on first use."""
    given = os.environ.get("AXE_CORE_JS")
    path = Path(given) if given else CACHE / "package" / "axe.min.js"
    if not path.exists() and not given:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("axe-core not found: set AXE_CORE_JS or install npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=CACHE, check=True)
        with tarfile.open(CACHE / f"axe-core-{AXE_VERSION}.tgz") as tgz:
            tgz.extract("package/axe.min.js", CACHE, filter="data")
    return path.read_text()


def serious_violations(frame: Any, source: str) -> list[str]:
    """Run axe (WCAG 2.0/2.1 A and AA rules) in a Playwright frame; describe serious or critical violations.

    The source is evaluated through the DevTools protocol rather than added as a <script>: the tool's CSP
    (script-src 'self') rightly refuses injected script elements.
    """
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(f"() => {{ {source}\n }}")
    result = frame.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
