"""Time the audit report of reference case 2 (issue 11: the audit report in under 5 s).

Builds the demo in a fresh database (Lindö kommun's audit of its IT supplier relationship, with
its adopted observations, recommendations in the action plan and maturity assessment), then
times reading the audit, building the report and rendering the DOCX and the PDF, each `--runs`
times, and writes bench/results/audit-report.json. The first run of each is reported apart: it
includes loading python-docx, WeasyPrint and the fonts, which a running server has done already.

    .venv/bin/python bench/audit_report.py [--runs 5]

DATABASE_URL selects the database (a temporary SQLite file by default; it is migrated).
"""

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.placement_documents import BUDGET_SECONDS, _setup, _time  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "audit-report.json"


def _reference_case():
    """The demo's Lindö kommun with its audit (load_demo is idempotent)."""
    from django.core.management import call_command

    from accounts.models import User
    from audits import demo
    from audits.models import Audit
    from core.tenancy import tenant_for
    from organisations.models import Organisation

    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    org = Organisation.objects.get(slug="lindo")
    user = User.objects.get(email="revisor@lindo.example")
    return tenant_for(user, org.pk), Audit.objects.get(organisation=org, title=demo.LINDO_TITLE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from audits import documents, selectors

    tenant, audit = _reference_case()

    def build():
        return documents.report(tenant=tenant, audit=selectors.audit_detail(tenant=tenant, pk=audit.pk))

    results = {
        "docx": _time(lambda: build().render_docx(), args.runs),
        "pdf": _time(lambda: build().render_pdf(), args.runs),
    }
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "case": audit.title, "budget_s": BUDGET_SECONDS, "database": connection.vendor,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if all(r["within_budget"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
