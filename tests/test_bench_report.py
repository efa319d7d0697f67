"""The benchmark's arithmetic and verdict (bench/load.py, bench/report.py), without a server."""

import json

from bench import report
from bench.load import LoadResult, Target


def _load(latencies, errors=0, seconds=2.0):
    return LoadResult(requests=len(latencies), errors=errors, seconds=seconds, latencies_ms=list(latencies))


def test_load_result_statistics():
    load = _load(range(1, 101))  # 1 … 100 ms
    assert load.rps == 50.0
    assert load.median_ms == 50.5
    assert load.p95_ms == 95
    assert _load([7.0]).p95_ms == 7.0


def _run(systems_ms: float, api_ms: float, errors: int = 0) -> dict:
    results = [
        (Target("health", "Trivial", "/health/"), _load([2.0, 2.0, 2.0])),
        (Target("systems", "Systems", "/systems/"), _load([systems_ms] * 3, errors=errors)),
        (Target("api_systems", "API", "/api/systems"), _load([api_ms] * 3)),
    ]
    in_process = {"health": {"server_ms": 1.0, "server_cpu_ms": 0.9, "queries": 0},
                  "systems": {"server_ms": 40.0, "server_cpu_ms": 35.0, "queries": 5},
                  "api_systems": {"server_ms": 30.0, "server_cpu_ms": 25.0, "queries": 5}}
    setup = {"gunicorn_workers": 2, "gunicorn_threads": 1, "client_threads": 4, "seconds_per_target": 10,
             "cpus": 2, "load_average_before": [0.5, 0.4, 0.3], "load_average_after": [1.0, 0.5, 0.3]}
    return report.build(results, in_process, context={"user": "u@x.example", "visible_systems": 9}, scale=1.0,
                        engine="sqlite3", setup=setup, budget_ms=200, budget_targets=("systems", "api_systems"))


def test_the_budget_is_met_only_when_both_medians_are_under_it_without_errors():
    assert _run(150, 199.9)["budget"]["met"] is True
    assert _run(150, 200)["budget"]["met"] is False
    assert _run(250, 100)["budget"]["met"] is False
    assert _run(150, 100, errors=1)["budget"]["met"] is False


def test_ratios_to_the_trivial_view():
    systems = next(t for t in _run(150, 100)["targets"] if t["key"] == "systems")
    assert systems["median_vs_health"] == 75.0
    assert systems["rps_share_of_health"] == 1.0  # same count in the same time in this fake
    assert (systems["server_ms"], systems["queries"]) == (40.0, 5)


def test_write_keeps_json_and_a_table_of_the_newest_run_per_database(tmp_path):
    older, newer = _run(150, 100), _run(120, 90)
    older["when"], newer["when"] = "2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"
    report.write(older, tmp_path)
    (tmp_path / "placement-documents.json").write_text('{"when": "2027-01-01"}')  # another benchmark's file
    path = report.write(newer, tmp_path)
    assert path.name == "2026-01-02-scale1.json"
    assert json.loads(path.read_text())["budget"]["checked"] == {"systems": 120.0, "api_systems": 90.0}
    latest = (tmp_path / "latest.md").read_text()
    assert "## SQLite, scale 1 — 2026-01-02T10:00:00Z" in latest
    assert "2026-01-01" not in latest
    assert "| Systems <br>`/systems/` | 1.5 | 120.0 | 120.0 | 60.0 | 40.0 | 35.0 | 5 | 0 |" in latest
    assert "**met**" in latest


def test_a_page_with_kept_figures_reports_its_first_view_after_a_change(tmp_path):
    run = _run(150, 100)
    assert "after_write_ms" not in next(t for t in run["targets"] if t["key"] == "systems")
    results = [(Target("health", "Trivial", "/health/"), _load([2.0])), (Target("soa", "SoA", "/soa/"), _load([80.0]))]
    in_process = {"health": {"server_ms": 1.0, "server_cpu_ms": 0.9, "queries": 0},
                  "soa": {"server_ms": 60.0, "server_cpu_ms": 50.0, "queries": 9, "after_write_ms": 1412.34}}
    run = report.build(results, in_process, context={"user": "u@x.example", "visible_systems": 9}, scale=1.0,
                       engine="sqlite3", setup=_run(1, 1)["setup"], budget_ms=200, budget_targets=("soa",))
    assert next(t for t in run["targets"] if t["key"] == "soa")["after_write_ms"] == 1412.3
    report.write(run, tmp_path)
    assert "the first view after a change computes them" in (tmp_path / "latest.md").read_text()
    assert "SoA 1412.3 ms" in (tmp_path / "latest.md").read_text()
