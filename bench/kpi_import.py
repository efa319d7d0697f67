"""Time a 10 000-row KPI values import at scale 1 (PRODUCT.md: imports of 10 000 rows in under 30 s).

Uses the benchmark database of bench/run.py (bench/data/bench.sqlite3, or BENCH_DATABASE_URL)
with its generated data: run `bench/run.py --scale 1` first. Signs in as the service manager of
the IT company that serves the benchmark municipality, builds a valid file of 10 000 rows (one
value per KPI, customer and month) and times `kpis.importexport.values_import` on it, `--runs`
times per case. Each run is rolled back afterwards, so every run imports into the same data.

Cases: `csv_new` months before the generated reports (no earlier report: plain new reports);
`csv_corrections` the latest ended months, which the generated data has reported already (every
value corrects an earlier one); `xlsx_new` the first case as an XLSX workbook. Writes
bench/results/kpi-import.json.

    .venv/bin/python bench/kpi_import.py [--runs 3] [--rows 10000]
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
import warnings
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench_run  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "kpi-import.json"
BUDGET_SECONDS = 30.0
# A valid value for each unit, written the Swedish way (decimal comma).
VALUES = {"percent": "99,{n}", "count": "{n}", "hours": "3,{n}", "days": "4,{n}"}


class _Rollback(Exception):
    pass


def _months_before(start: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], start
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def _rows(definitions, customers_of: dict, months: list[datetime.date], limit: int) -> list[list[str]]:
    rows = []
    for month in months:
        for definition in definitions:
            for slug in customers_of[definition.pk]:
                n = len(rows) % 10
                rows.append([f"{month:%Y-%m}", definition.name, slug,
                             VALUES.get(definition.unit, "{n}").format(n=n), ""])
                if len(rows) == limit:
                    return rows
    raise RuntimeError(f"Only {len(rows)} rows possible with {len(months)} months; generate a larger data set.")


def _file(rows: list[list[str]], kind: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.tabular import xlsx_bytes
    from kpis.importexport import COLUMNS

    if kind == "xlsx":
        data = xlsx_bytes("Nyckeltal", COLUMNS, iter([[str(c.header) for c in COLUMNS], *rows]))
        return lambda: SimpleUploadedFile("nyckeltal.xlsx", data)
    text = "\n".join(";".join(cells) for cells in [[str(c.header) for c in COLUMNS], *rows])
    data = text.encode("utf-8")
    return lambda: SimpleUploadedFile("nyckeltal.csv", data, content_type="text/csv")


def _time(tenant, make_file, runs: int, expected_values: int) -> dict:
    from django.db import transaction

    from kpis.importexport import values_import

    timings, outcome = [], None
    for _ in range(runs):
        upload = make_file()
        try:
            with transaction.atomic():
                started = time.perf_counter()
                result = values_import(tenant=tenant, file=upload)
                timings.append(time.perf_counter() - started)
                outcome = result
                raise _Rollback  # every run imports into the same data
        except _Rollback:
            pass
        if outcome.errors:
            raise RuntimeError(f"The generated file was refused: {outcome.errors[:3]}")
        if outcome.values != expected_values:
            raise RuntimeError(f"{outcome.values} values imported, {expected_values} expected")
    return {"median_s": round(statistics.median(timings), 2), "max_s": round(max(timings), 2),
            "runs_s": [round(t, 2) for t in timings], "reports": outcome.reports, "values": outcome.values,
            "within_budget": statistics.median(timings) < BUDGET_SECONDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    bench_run._configure_environment()
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.db import connection

    from core.tenancy import tenant_for
    from kpis.models import KpiDefinition, KpiReport, last_ended_start

    supplier_user, it_company = bench_run._supplier_user(bench_run._bench_user())
    tenant = tenant_for(supplier_user, None)
    definitions = list(tenant.editable(KpiDefinition).filter(active=True, period="month")
                       .prefetch_related("shared_with").order_by("name"))
    if not definitions:
        raise RuntimeError("The IT company has no monthly KPIs; run bench/run.py --scale 1 first.")
    customers_of = {d.pk: sorted(o.slug for o in d.shared_with.all()) for d in definitions}
    per_month = sum(len(c) for c in customers_of.values())
    months_needed = -(-args.rows // per_month)
    reported = tenant.editable(KpiReport).filter(period_kind="month").order_by("period_start")
    first_reported = reported.values_list("period_start", flat=True).first()
    latest = last_ended_start("month", datetime.date.today())
    # Latest ended months first: all reported already by the generator, so each value corrects one.
    corrections = [latest, *_months_before(latest, months_needed - 1)]
    if first_reported and corrections[-1] < first_reported:
        raise RuntimeError("The generated data covers too few months for a file of corrections only.")
    new = _months_before(first_reported or latest, months_needed)
    cases = {
        "csv_new": (_rows(definitions, customers_of, new, args.rows), "csv"),
        "csv_corrections": (_rows(definitions, customers_of, corrections, args.rows), "csv"),
        "xlsx_new": (_rows(definitions, customers_of, new, args.rows), "xlsx"),
    }
    load_before = list(os.getloadavg())
    results = {}
    for name, (rows, kind) in cases.items():
        results[name] = {"months": f"{min(r[0] for r in rows)} … {max(r[0] for r in rows)}",
                         **_time(tenant, _file(rows, kind), args.runs, args.rows)}
        print(f"  {name:16} median {results[name]['median_s']:6.2f} s  runs {results[name]['runs_s']}", flush=True)
    report = {
        "when": datetime.datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "user": supplier_user.email, "organisation": it_company.slug, "rows": args.rows,
        "kpis": len(definitions), "customers": len({s for c in customers_of.values() for s in c}),
        "budget_s": BUDGET_SECONDS, "database": connection.vendor, "runs": args.runs,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        # Other work on the machine slows every timing; the load says how busy it was.
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        **results,
    }
    path = RESULTS if connection.vendor == "sqlite" else RESULTS.with_name(f"kpi-import-{connection.vendor}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if all(r["within_budget"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
