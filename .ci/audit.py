"""Audit requirements.txt for known vulnerabilities with pip-audit; fail on any.

pip-audit resolves the pinned requirements (and what they pull in) and asks a vulnerability service about each
exact version. Where that service cannot be reached, pip-audit skips the package instead of failing; this script
says so, loudly, and names them, so a run that audited nothing is never read as a clean audit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    service = sys.argv[1] if len(sys.argv) > 1 else "pypi"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            str(Path(sys.executable).parent / "pip-audit"),
            "--requirement", str(ROOT / "requirements.txt"),
            "--vulnerability-service", service,
            "--format", "json", "--output", str(report),
            "--progress-spinner", "off",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if not report.exists():
            print(result.stdout, result.stderr, sep="\n")
            print(f"pip-audit did not run (exit {result.returncode})")
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]

    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit ({service}): {len(dependencies)} packages, {audited} audited, {len(vulnerable)} vulnerable, "
        f"{len(skipped)} not audited"
    )
    if skipped:
        reasons = {d["skip_reason"].split(":")[0] for d in skipped}
        print(f"NOT AUDITED ({'; '.join(sorted(reasons))}): {', '.join(d['name'] for d in skipped)}")
        if not audited:
            print("No package could be audited: the vulnerability service is not reachable from this machine.")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
