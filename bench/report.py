"""Benchmark results: one JSON file per run, and latest.md with the newest run of each database."""

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

ENGINE_NAMES = {"sqlite3": "SQLite", "postgresql": "PostgreSQL"}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent,
                              check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError):
        return ""


def _code_state() -> dict:
    """The commit measured, and the tracked files that differed from it (the working tree is what ran)."""
    changed = [line[3:] for line in _git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": _git("rev-parse", "--short", "HEAD") or "unknown", "uncommitted_changes": changed}


def build(results, in_process: dict, *, context: dict, scale: float, engine: str, setup: dict,
          budget_ms: float, budget_targets: tuple[str, ...]) -> dict:
    base = next(load for target, load in results if target.key == "health")
    targets = []
    for target, load in results:
        targets.append({
            "key": target.key,
            "label": target.label,
            "path": target.path,
            "requests": load.requests,
            "errors": load.errors,
            "rps": round(load.rps, 1),
            "median_ms": round(load.median_ms, 1),
            "p95_ms": round(load.p95_ms, 1),
            "median_vs_health": round(load.median_ms / base.median_ms, 1),
            "rps_share_of_health": round(load.rps / base.rps, 3),
            "server_ms": round(in_process[target.key]["server_ms"], 1),
            "server_cpu_ms": round(in_process[target.key]["server_cpu_ms"], 1),
            "queries": in_process[target.key]["queries"],
            **({"after_write_ms": round(in_process[target.key]["after_write_ms"], 1)}
               if "after_write_ms" in in_process[target.key] else {}),
        })
    checked = {t["key"]: t["median_ms"] for t in targets if t["key"] in budget_targets}
    return {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **_code_state(),
        "scale": scale,
        "engine": engine,
        "context": context,
        "setup": setup,
        "budget": {"median_ms": budget_ms, "checked": checked,
                   "met": all(v < budget_ms for v in checked.values()) and all(t["errors"] == 0 for t in targets)},
        "targets": targets,
    }


def write(run: dict, results_dir: Path) -> Path:
    suffix = "" if run["engine"] == "sqlite3" else f"-{run['engine']}"
    path = results_dir / f"{run['when'][:10]}-scale{run['scale']:g}{suffix}.json"
    path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    (results_dir / "latest.md").write_text(markdown(_newest_per_engine(results_dir)))
    return path


def _newest_per_engine(results_dir: Path) -> list[dict]:
    newest: dict[str, dict] = {}
    # Only this harness's runs: other benchmarks keep their own files in the same folder.
    for path in sorted(results_dir.glob("*-scale*.json")):
        run = json.loads(path.read_text())
        if "engine" not in run or "targets" not in run:
            continue
        if run["engine"] not in newest or run["when"] > newest[run["engine"]]["when"]:
            newest[run["engine"]] = run
    return [newest[e] for e in sorted(newest, key=lambda e: e != "sqlite3")]


def _loads(values: list[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in values)


def _section(run: dict) -> list[str]:
    setup, ctx = run["setup"], run["context"]
    priority = f", both at priority (nice) {setup['nice']}" if setup.get("nice") else ""
    lines = [
        f"## {ENGINE_NAMES.get(run['engine'], run['engine'])}, scale {run['scale']:g} — {run['when']} (commit {run['commit']})",
        "",
    ]
    if run.get("uncommitted_changes"):
        lines += [f"Measured with uncommitted changes to: {', '.join(run['uncommitted_changes'])}.", ""]
    lines += [
        f"Signed in as {ctx['user']}, who sees {ctx['visible_systems']} systems (own and shared)"
        + (f" and {ctx['visible_assessments']} placement assessments" if "visible_assessments" in ctx else "") + ". "
        + (f"It reads {ctx['visible_contracts']} contracts, {ctx['visible_kpi_reports']} KPI reports, "
           f"{ctx['visible_meetings']} meetings, {ctx['visible_documents']} governing documents and "
           f"{ctx['visible_questions']} questions to suppliers. The IT company's pages are measured as "
           f"{ctx['supplier_user']}, whose organisation has {ctx['supplier_kpi_definitions']} KPI definitions, "
           f"{ctx['supplier_kpi_reports']} KPI reports and {ctx['questions_to_supplier']} questions addressed to it. "
           if "supplier_user" in ctx else "")
        + f"gunicorn {setup['gunicorn_workers']} workers × {setup['gunicorn_threads']} thread; "
        f"{setup['client_threads']} client threads for {setup['seconds_per_target']:g} s per target, "
        f"on {setup['cpus']} CPUs shared by server and clients{priority}. Load average (1, 5, 15 min) before the "
        f"load: {_loads(setup['load_average_before'])}; after: {_loads(setup['load_average_after'])}.",
        "",
        "| Target | req/s | Median ms | p95 ms | Median × trivial | Server ms (one request) | Server CPU ms | SQL queries | Errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for t in run["targets"]:
        lines.append(f"| {t['label']} <br>`{t['path']}` | {t['rps']:.1f} | {t['median_ms']:.1f} | {t['p95_ms']:.1f} | "
                     f"{t['median_vs_health']:.1f} | {t['server_ms']:.1f} | {t['server_cpu_ms']:.1f} | {t['queries']} | "
                     f"{t['errors']} |")
    recomputed = [t for t in run["targets"] if "after_write_ms" in t]
    if recomputed:
        lines += ["", "These pages keep their figures until the data they read changes (`core/datacache.py`); the "
                  "first view after a change computes them (server ms, one request in process, median of five): "
                  + ", ".join(f"{t['label']} {t['after_write_ms']:.1f} ms" for t in recomputed) + "."]
    budget = run["budget"]
    verdict = "met" if budget["met"] else "NOT met"
    figures = ", ".join(f"{k} {v:.1f} ms" for k, v in budget["checked"].items())
    lines += ["", f"Budget (median under {budget['median_ms']:g} ms for {', '.join(budget['checked']) or '–'}, no "
              f"errors): **{verdict}** ({figures}).", ""]
    return lines


def markdown(runs: list[dict]) -> str:
    lines = [
        "# Benchmark results (latest run per database)",
        "",
        "Written by `make bench` (bench/run.py); see bench/README.md for how to read the columns. "
        "The JSON files beside this one hold the last run of each day, scale and database.",
        "",
    ]
    for run in runs:
        lines += _section(run)
    return "\n".join(lines)
