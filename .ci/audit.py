"""Dependency audit: fail when a locked dependency has a known vulnerability.

Usage: ``python .ci/audit.py REQUIREMENTS`` (``make audit`` exports uv.lock to REQUIREMENTS).

pip-audit looks every pinned version up in PyPI's vulnerability feed (the PyPA advisory
database). The outcome:

- a known vulnerability in any dependency: exit 1, with the advisories and fixed versions;
- some dependencies could not be looked up while others could: exit 1 (all of ours come
  from PyPI, so a missing one means the audit is incomplete);
- no dependency could be looked up (the feed is unreachable, e.g. a build network that
  only reaches the package index): a loud warning and exit 0, or exit 1 when
  ``AUDIT_STRICT=1`` (set it wherever the feed is reachable, so an outage cannot hide);
- otherwise: exit 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    message: str


def judge(report: dict | None, *, strict: bool) -> Verdict:
    """Turn pip-audit's JSON report (None if it produced none) into an exit code and a text."""
    unreachable = Verdict(
        1 if strict else 0,
        "WARNING: the vulnerability feed could not be reached; the dependency audit did not "
        "run." + ("" if strict else " Set AUDIT_STRICT=1 to fail on this."),
    )
    if report is None:
        return unreachable
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        lines = [f"Known vulnerabilities in {len(vulnerable)} dependencies:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
                aliases = ", ".join(vuln.get("aliases") or [])
                lines.append(
                    f"  {dependency['name']} {dependency['version']}: {vuln['id']}"
                    f"{f' ({aliases})' if aliases else ''}; fixed in {fixed}"
                )
        return Verdict(1, "\n".join(lines))
    if dependencies and len(skipped) == len(dependencies):
        return unreachable
    if skipped:
        names = ", ".join(f"{d['name']} ({d['skip_reason']})" for d in skipped)
        return Verdict(1, f"{len(skipped)} dependencies could not be audited: {names}")
    return Verdict(0, f"No known vulnerabilities in {len(dependencies)} locked dependencies.")


def run_pip_audit(requirements: Path) -> dict | None:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    result = subprocess.run(
        [
            str(pip_audit),
            "--requirement",
            str(requirements),
            # The file pins every package with its exact version, dependencies included.
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    sys.stderr.write(result.stderr)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} REQUIREMENTS", file=sys.stderr)
        return 2
    verdict = judge(run_pip_audit(Path(argv[1])), strict=os.environ.get("AUDIT_STRICT") == "1")
    print(verdict.message)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
