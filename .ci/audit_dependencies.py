"""pip-audit over the installed environment: a known vulnerability fails the build.

A vulnerability reviewed and accepted goes in REVIEWED with the reason, and is passed
to pip-audit as --ignore-vuln. Packages pip-audit could not look up are listed; when
it could look up none at all (the advisory service is unreachable from this machine)
that is said loudly instead of "No known vulnerabilities found", and the build goes on:
an unreachable service is not a finding.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 # runs pip-audit, a fixed command
import sys
import tempfile
from pathlib import Path

# Vulnerability id -> why it does not apply or is accepted (reviewed; keep dated).
REVIEWED: dict[str, str] = {}


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        for vulnerability in REVIEWED:
            command += ["--ignore-vuln", vulnerability]
        run = subprocess.run(command, check=False, capture_output=True, text=True)  # nosec B603 # fixed arguments, no shell
        if not report.exists():
            print(f"pip-audit failed and wrote no report:\n{run.stdout}{run.stderr}", file=sys.stderr)
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]
    found = [
        (d["name"], d["version"], v["id"], v.get("fix_versions"))
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    for name, version, vulnerability, fixes in found:
        print(
            f"VULNERABLE: {name} {version}: {vulnerability} (fixed in {', '.join(fixes) or 'no release yet'})"
        )
    if skipped and len(skipped) == len(dependencies):
        print(
            f"WARNING: pip-audit could not reach its advisory service (PyPI's JSON API per version); "
            f"none of the {len(dependencies)} installed packages was audited."
        )
    elif skipped:
        print(f"Not audited (not found on PyPI): {', '.join(skipped)}")
    audited = len(dependencies) - len(skipped)
    print(
        f"pip-audit: {len(found)} known vulnerabilities in {audited} audited packages; {len(REVIEWED)} reviewed and ignored."
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
