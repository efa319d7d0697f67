"""Benchmark Tillit's main pages against the large generated data set (`make bench`).

Steps: migrate a separate database (bench/data/bench.sqlite3, or BENCH_DATABASE_URL), generate
data at --scale unless that scale is already there, measure each target's SQL queries and
in-process time with Django's test client, start gunicorn on a free loopback port, put a bounded
load on each target, write bench/results/<UTC date>-scale<scale>[-postgresql].json and
bench/results/latest.md, and stop gunicorn by its PID whatever happens. See bench/README.md.
"""

import argparse
import gc
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.load import Target, fetch, run_load  # noqa: E402

BUDGET_MS = 200
BUDGET_TARGETS = ("systems", "api_systems", "placement", "api_placement", "risks", "risk_overview", "api_risks",
                  "system_requirements", "soa",
                  # Supplier governance (issue 7): every new list, the follow-up and both start pages.
                  "home", "supplier_home", "contracts", "contract_gaps", "kpi_reports", "kpi_reports_supplier",
                  "kpi_followup", "kpi_definitions", "questions", "questions_to_us", "meetings", "meeting_detail",
                  "policies", "api_contracts", "api_kpi_reports", "api_meetings", "api_policies",
                  # Incidents (issue 8).
                  "incidents", "incidents_open", "incidents_due", "incidents_significant", "incidents_breach",
                  "incident_clocks", "incident_case", "api_incidents",
                  # Change management (issue 9).
                  "changes", "change_calendar", "cab_meeting", "changes_awaiting", "changes_supplier",
                  # Audits (issue 11); the findings page (500 ms computed on view, 200 ms incrementally) is held to this one.
                  "findings", "audits", "audit_detail", "observation", "api_audits", "trail", "trail_filtered",
                  "reviews", "review_detail")
# The JSON lists name no organisation: the first record the benchmark user saw in process must
# be on the page gunicorn answers (set by _in_process).
# Pages whose figures are kept until the data changes (core.datacache): also timed as the first
# view after a change, with the cache emptied before each request.
RECOMPUTED_AFTER_WRITE = ("findings", "soa", "home", "supplier_home")
FIRST_RECORD_MARKER = ("api_contracts", "api_kpi_reports", "api_meetings", "api_policies", "api_audits")


def _database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"


def _configure_environment() -> dict:
    """The environment shared by this process (data, query counts) and gunicorn."""
    env = {
        "DATABASE_URL": _database_url(),
        # tillit.settings with a cache the gunicorn workers share (bench/settings.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "TILLIT_DEBUG": "0",
        "TILLIT_LOG_LEVEL": "WARNING",
    }
    # Production settings refuse to start without a key; the benchmark signs only its own
    # throwaway session, so a random key per run is enough (an existing one is kept).
    if not (os.environ.get("TILLIT_SECRET_KEY") or os.environ.get("TILLIT_SECRET_KEY_FILE")):
        import secrets

        env["TILLIT_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.update(env)
    return {**os.environ, **env}


def _ensure_postgres_database(url: str) -> None:
    """Create the benchmark database on first use (PostgreSQL only)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def _prepare_data(scale: float, seed: int) -> None:
    from django.core.management import call_command

    from demo.generated import Plan, generated_organisations
    from inventory.models import System
    from placement.generate import planned_assessments
    from placement.models import Assessment

    from kpis.models import KpiValue
    from meetings.models import Meeting

    call_command("migrate", verbosity=0, interactive=False)
    plan = Plan(scale)
    present = System.objects.filter(organisation__in=generated_organisations()).count()
    assessments = Assessment.objects.filter(organisation__in=generated_organisations()).count()
    governance = (KpiValue.objects.filter(organisation__in=generated_organisations()).exists()
                  and Meeting.objects.filter(organisation__in=generated_organisations()).exists())
    # A data set generated before a module added its records lacks them: it is generated anew.
    if governance and present == plan.systems and assessments == planned_assessments(
            municipalities=plan.municipalities, scale=scale):
        print(f"Generated data at scale {scale:g} already present ({present} systems, {assessments} placement "
              "assessments).")
        return
    print(f"Generating data at scale {scale:g} …", flush=True)
    call_command("generate_data", scale=scale, seed=seed, replace=present > 0)


def _bench_user():
    from accounts.models import User
    from demo.generated import email, slug

    return User.objects.get(email=email("coordinator", slug(1)))


def _supplier_user(user):
    """The service manager of the IT company that serves the benchmark municipality."""
    from accounts.models import User
    from demo.generated import email
    from organisations.models import Organisation
    from organisations.roles import Role

    municipality = user.memberships.get().organisation
    it_company = Organisation.objects.filter(customers=municipality).order_by("slug").first()
    if it_company is None:
        raise RuntimeError("The benchmark municipality has no IT company; regenerate the data.")
    return User.objects.get(email=email(Role.SERVICE_MANAGER, it_company.slug)), it_company


def _session_cookie(user) -> str:
    """A signed-in session stored directly in the database, as a login would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _targets(user, cookie: str, api_token: str, supplier, supplier_cookie: str) -> tuple[list[Target], dict]:
    from django.core.paginator import Paginator
    from django.db.models import Count

    from core.tenancy import tenant_for
    from inventory import selectors
    from inventory.models import System
    from placement import selectors as placement_selectors
    from requirements.models import RequirementStatus
    from risk.models import Risk

    tenant = tenant_for(user, None)
    deep_filters = selectors.SystemFilters(lifecycle="operation", sort="-name")
    deep_page = Paginator(selectors.system_list(tenant=tenant, filters=deep_filters), 50).num_pages
    # The system with the most dependencies: the heaviest detail page of the organisation.
    system = (tenant.scope(System).filter(organisation_id=tenant.organisation.pk)
              .annotate(links=Count("dependencies", distinct=True) + Count("dependents", distinct=True))
              .order_by("-links", "name").first())
    # Placement assessments: the newest one heads page 1; the drafts' last page has the largest OFFSET.
    assessments = placement_selectors.assessment_list(tenant=tenant)
    newest = assessments.first()
    drafts_page = Paginator(placement_selectors.assessment_list(tenant=tenant, status="draft"), 50).num_pages
    if newest is None:
        raise RuntimeError("The benchmark organisation has no placement assessments; regenerate the data.")
    # Risks: the register's last page has the largest OFFSET. Requirements: the own system with
    # the most assessed requirements.
    risk_pages = max(1, -(-tenant.scope(Risk).count() // 50))
    top_risk = tenant.scope(Risk).order_by("-residual_score", "title", "pk").first()
    assessed = (RequirementStatus.objects.filter(system__organisation_id=tenant.organisation.pk)
                .values("system_id").annotate(n=Count("pk")).order_by("-n", "system_id").first())
    if assessed is None:
        raise RuntimeError("The benchmark organisation has no requirement statuses; regenerate the data.")
    page = {"Cookie": cookie}
    api = {"Authorization": f"Bearer {api_token}"}
    targets = [
        Target("health", "Trivial view (/health/)", "/health/"),
        Target("systems", "Systems list, page 1", "/systems/", page),
        Target("systems_deep", f"Systems list, filtered and sorted, page {deep_page} (last)",
               f"/systems/?lifecycle=operation&sort=-name&page={deep_page}", page),
        Target("system_detail", "System detail (most dependencies)", f"/systems/{system.pk}/", page),
        Target("api_systems", "API systems list, page 1", "/api/systems", api),
        Target("api_systems_deep", f"API systems list, filtered and sorted, page {deep_page}",
               f"/api/systems?lifecycle=operation&sort=-name&page={deep_page}", api),
        Target("placement", "Placement assessments list, page 1", "/placement/", page),
        Target("placement_deep", f"Placement assessments list, drafts, page {drafts_page} (last)",
               f"/placement/?status=draft&page={drafts_page}", page),
        Target("api_placement", "API placement assessments list, page 1", "/api/placement", api,
               marker=f'"id": {newest.pk},'.encode()),
        Target("risks", "Risk register, page 1", "/risks/", page),
        Target("risks_deep", f"Risk register, page {risk_pages} (last)", f"/risks/?page={risk_pages}", page),
        Target("risk_overview", "Risk heat maps (inherent and residual)", "/risks/overview/", page),
        Target("api_risks", "API risk register, page 1", "/api/risks", api, marker=f'"id": {top_risk.pk},'.encode()),
        Target("system_requirements", "Requirement list of a system (most assessed)",
               f"/requirements/systems/{assessed['system_id']}/", page),
        Target("soa", "Statement of applicability (93 controls)", "/requirements/soa/", page),
        Target("actions", "Action plan, open actions", "/actions/", page),
        Target("classifications", "Classifications list, page 1", "/classification/", page),
    ]
    governance, governance_context = _governance_targets(tenant, page, api, supplier, supplier_cookie)
    targets += governance
    incident_targets, incident_context = _incident_targets(tenant, page, api)
    targets += incident_targets
    governance_context.update(incident_context)
    changes, changes_context = _change_targets(tenant, page, supplier, supplier_cookie)
    targets += changes
    targets += _audit_targets(tenant, page, api)
    visible = selectors.system_list(tenant=tenant, filters=selectors.SystemFilters()).count()
    context = {"user": user.email, "organisation": tenant.organisation.slug, "visible_systems": visible,
               "system_detail_id": system.pk, "visible_assessments": assessments.count(), **governance_context,
               **changes_context}
    return targets, context


def _incident_targets(tenant, page: dict, api: dict) -> tuple[list[Target], dict]:
    """Incidents (issue 8): the list with its filters, the clock overview, the busiest case."""
    from django.db.models import Count

    from incidents.models import IncidentCase

    case = (tenant.my_responses(IncidentCase).annotate(rows=Count("submissions"))
            .order_by("-rows", "-aware_at").first())
    if case is None:
        raise RuntimeError("The benchmark organisation has no incidents; regenerate the data.")
    targets = [
        Target("incidents", "Incident list, page 1", "/incidents/", page),
        Target("incidents_open", "Incident list, open", "/incidents/?state=open", page),
        Target("incidents_due", "Incident list, a deadline within 24 hours", "/incidents/?due=on", page),
        Target("incidents_significant", "Incident list, significant", "/incidents/?significant=on", page),
        Target("incidents_breach", "Incident list, personal data breaches", "/incidents/?breach=on", page),
        Target("incident_clocks", "Legal deadlines of open incidents", "/incidents/deadlines/", page),
        Target("incident_case", "Incident case (most reports)", f"/incidents/cases/{case.pk}/", page),
        Target("api_incidents", "API incident cases, page 1", "/api/incidents/cases", api),
    ]
    return targets, {"incident_case_id": case.pk,
                     "visible_incident_cases": tenant.my_responses(IncidentCase).count()}


def _audit_targets(tenant, page: dict, api: dict) -> list[Target]:
    """Audits (issue 11): the automatic findings, the audit list, the fullest audit and observation, the trail."""
    from django.db.models import Count

    from audits.models import Audit, Observation
    from reviews.models import ManagementReview

    review = tenant.scope(ManagementReview).order_by("-held_on", "-pk").first()
    audit = tenant.scope(Audit).annotate(n=Count("observations")).order_by("-n", "-pk").first()
    observation = (tenant.scope(Observation).annotate(n=Count("recommendations")).order_by("-n", "-pk").first())
    if audit is None or observation is None or review is None:
        raise RuntimeError("The benchmark organisation has no audits or management reviews; regenerate the data.")
    return [
        Target("findings", "Automatic findings (kept until the data changes)", "/audits/", page),
        Target("audits", "Audits and self-assessments, page 1", "/audits/audits/", page),
        Target("audit_detail", "Audit (most observations, maturity chart)", f"/audits/audits/{audit.pk}/", page),
        Target("observation", "Observation (most recommendations)", f"/audits/observations/{observation.pk}/", page),
        Target("api_audits", "API audits, page 1", "/api/audits/audits", api),
        Target("trail", "Audit trail, page 1", "/trail/", page),
        Target("trail_filtered", "Audit trail, systems changed by no person",
               "/trail/?record_type=inventory.system&person=system", page),
        Target("reviews", "Management reviews, page 1", "/reviews/", page),
        Target("review_detail", "Management review (newest, its inputs gathered)", f"/reviews/{review.pk}/", page),
    ]


def _change_targets(tenant, page: dict, supplier, supplier_cookie: str) -> tuple[list[Target], dict]:
    """Change management (issue 9): the municipality's list, calendar, CAB page and awaiting; the IT company's list."""
    from django.db.models import Count

    from changes.models import Change
    from meetings.models import Meeting

    supplier_user, it_company = supplier
    # The CAB meeting with the most changes on its agenda that the municipality reads.
    counts = (Change.objects.filter(cab_meeting__in=tenant.scope(Meeting).filter(kind="cab"))
              .values("cab_meeting").annotate(n=Count("pk")).order_by("-n").first())
    if counts is None:
        raise RuntimeError("The benchmark organisation has no CAB meeting with changes; regenerate the data.")
    meeting = counts["cab_meeting"]
    side = {"Cookie": supplier_cookie}
    targets = [
        Target("changes", "Changes addressed to the municipality, page 1", "/changes/", page),
        Target("change_calendar", "Change calendar, this month", "/changes/calendar/", page),
        Target("cab_meeting", "CAB meeting page (most changes on its agenda)", f"/changes/cab/{meeting}/", page),
        Target("changes_awaiting", "Changes awaiting the municipality's decision", "/changes/awaiting/", page),
        Target("changes_supplier", "Changes of the IT company, page 1", "/changes/", side,
               marker=it_company.name.encode(), user=supplier_user),
    ]
    return targets, {"cab_meeting_id": meeting, "visible_changes": tenant.scope(Change).count(),
                     "cab_changes": counts["n"]}


def _governance_targets(tenant, page: dict, api: dict, supplier, supplier_cookie: str) -> tuple[list[Target], dict]:
    """Supplier governance (issue 7): the municipality's side and the IT company's side."""
    from django.db.models import Count

    from classification import selectors as classification_selectors
    from classification.models import SupplierQuestion
    from core.tenancy import tenant_for
    from kpis.models import KpiDefinition, KpiReport
    from meetings.models import Meeting
    from policies.models import GoverningDocument
    from suppliers.models import Contract

    supplier_user, it_company = supplier
    supplier_tenant = tenant_for(supplier_user, None)
    # The meeting with the most attendees, agenda items and decisions that the municipality reads.
    meeting = (tenant.scope(Meeting)
               .annotate(rows=Count("attendees", distinct=True) + Count("agenda", distinct=True)
                         + Count("decisions", distinct=True))
               .order_by("-rows", "-pk").first())
    if meeting is None:
        raise RuntimeError("The benchmark organisation takes part in no meeting; regenerate the data.")
    side = {"Cookie": supplier_cookie}
    it_marker = it_company.name.encode()
    targets = [
        Target("home", "Start page (municipality, with its work queue)", "/", page),
        Target("contracts", "Contract list, page 1", "/suppliers/contracts/", page),
        Target("contract_gaps", "Contract checklist gaps, page 1", "/suppliers/gaps/", page),
        Target("kpi_reports", "KPI reports to the municipality, page 1", "/kpis/reports/", page),
        Target("kpi_followup", "KPI follow-up (verdicts, missed targets)", "/kpis/follow-up/", page),
        Target("questions", "Questions to suppliers, page 1", "/classification/questions/", page),
        Target("meetings", "Meeting list, page 1", "/meetings/", page),
        Target("meeting_detail", "Meeting page (most attendees, agenda and decisions)", f"/meetings/{meeting.pk}/",
               page),
        Target("policies", "Governing documents, page 1", "/policies/", page),
        Target("api_contracts", "API contracts, page 1", "/api/suppliers/contracts", api),
        Target("api_kpi_reports", "API KPI reports, page 1", "/api/kpis/reports", api),
        Target("api_meetings", "API meetings, page 1", "/api/meetings", api),
        Target("api_policies", "API governing documents, page 1", "/api/policies/documents", api),
        # The IT company's service manager: its start page, reports, definitions, questions to it.
        Target("supplier_home", "Start page (IT company's service manager)", "/", side, marker=it_marker,
               user=supplier_user),
        Target("kpi_reports_supplier", "KPI reports of the IT company, page 1", "/kpis/reports/", side,
               marker=it_marker, user=supplier_user),
        Target("kpi_definitions", "KPI definitions of the IT company, page 1", "/kpis/", side, marker=it_marker,
               user=supplier_user),
        Target("questions_to_us", "Questions to the IT company, page 1", "/classification/questions-to-us/", side,
               marker=it_marker, user=supplier_user),
    ]
    context = {
        "supplier_user": supplier_user.email, "supplier_organisation": it_company.slug, "meeting_id": meeting.pk,
        "visible_contracts": tenant.scope(Contract).count(),
        "visible_kpi_reports": tenant.scope(KpiReport).count(),
        "visible_meetings": tenant.scope(Meeting).count(),
        "visible_documents": tenant.scope(GoverningDocument).count(),
        "visible_questions": tenant.scope(SupplierQuestion).count(),
        "supplier_kpi_reports": supplier_tenant.scope(KpiReport).count(),
        "supplier_kpi_definitions": supplier_tenant.scope(KpiDefinition).count(),
        "questions_to_supplier": classification_selectors.questions_to_us(
            tenant=supplier_tenant, filters=classification_selectors.QuestionFilters(view="all")).count(),
    }
    return targets, context


def _in_process(targets: list[Target], user, runs: int = 5) -> dict:
    """SQL queries and server time of each target through Django's test client (no network)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict = {}
    figures = {}
    for target in targets:
        who = target.user or user
        if who.pk not in clients:
            clients[who.pk] = Client()
            clients[who.pk].force_login(who)
        client = clients[who.pk]
        headers = {k: v for k, v in target.headers.items() if k != "Cookie"}
        client.get(target.path, headers=headers)  # warm caches and connections
        times, cpu = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(target.path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != target.expected_status:
            raise RuntimeError(f"{target.path} answered {response.status_code} in process")
        if target.key in FIRST_RECORD_MARKER:
            results = response.json()["results"]
            if not results:
                raise RuntimeError(f"{target.path} listed nothing for {who.email}; regenerate the data.")
            target.marker = f'"id": {results[0]["id"]},'.encode()
        with CaptureQueriesContext(connection) as ctx:
            client.get(target.path, headers=headers)
        # CPU time is what the request costs this process whatever else runs on the machine;
        # on PostgreSQL the database's own work is not in it.
        figures[target.key] = {"server_ms": statistics.median(times), "server_cpu_ms": statistics.median(cpu),
                               "queries": len(ctx.captured_queries)}
        if target.key in RECOMPUTED_AFTER_WRITE:
            figures[target.key]["after_write_ms"] = _after_write(client, target.path, headers, runs)
    return figures


def _after_write(client, path: str, headers: dict, runs: int) -> float:
    """The median time of `path` as the first view after a change: kept figures computed afresh."""
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    cache.clear()
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(env: dict, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "tillit.wsgi", "-c", str(ROOT / "gunicorn.conf.py"),
        "-w", str(workers), "--threads", "1", "-b", f"127.0.0.1:{port}",
        # Recycling workers mid-run would put their start-up into the figures.
        "--max-requests", "0",
    ]
    log = log_path.open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_up(proc: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    health = Target("health", "", "/health/")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {DATA_DIR / 'gunicorn.log'}")
        try:
            if fetch(port, health, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def _stop(proc: subprocess.Popen) -> None:
    """TERM to the gunicorn master by its PID (it stops its workers), KILL if it lingers."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _check_responses(port: int, targets: list[Target]) -> None:
    for target in targets:
        status, body = fetch(port, target)
        if status != target.expected_status:
            raise RuntimeError(f"{target.path} answered {status} through gunicorn: {body[:300]!r}")
        markers = [target.marker] if target.marker else [b"gen-org-01", b"Genererad kommun 01"]
        if target.key != "health" and not any(m in body for m in markers):
            raise RuntimeError(f"{target.path} did not show the benchmark organisation; not signed in?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration per target")
    parser.add_argument("--max-requests", type=int, default=20_000, help="upper bound of requests per target")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--nice", type=int, default=0,
                        help="change the priority of the benchmark and its server (negative needs root)")
    parser.add_argument("--only", default="", help="comma-separated target keys (the trivial view always runs)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR,
                        help="where to write the results (another folder keeps a trial run out of bench/results)")
    args = parser.parse_args()

    if args.nice:
        # gunicorn inherits the priority; on a shared machine a negative value keeps other
        # people's jobs from deciding the figures.
        os.nice(args.nice)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    env = _configure_environment()
    if env["DATABASE_URL"].startswith("postgres"):
        _ensure_postgres_database(env["DATABASE_URL"])

    import django

    # WhiteNoise warns that collectstatic has not run; the benchmark fetches no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.db import connection

    from accounts.models import ApiToken

    _prepare_data(args.scale, args.seed)
    user = _bench_user()
    supplier = _supplier_user(user)
    token, raw_token = ApiToken.issue(user=user, name="benchmark")
    targets, context = _targets(user, _session_cookie(user), raw_token, supplier, _session_cookie(supplier[0]))
    if args.only:
        targets = [t for t in targets if t.key == "health" or t.key in args.only.split(",")]
    print("Measuring queries and in-process time …", flush=True)
    gc.freeze()  # as gunicorn.conf.py does in each worker
    in_process = _in_process(targets, user)
    connection.close()

    # A TERM from outside (e.g. a CI timeout) must still reach the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Other processes on the machine skew the figures; the load average is kept with them.
    load_before = list(os.getloadavg())
    port = _free_port()
    proc = _start_gunicorn(env, port, args.workers, DATA_DIR / "gunicorn.log")
    results = []
    try:
        _wait_until_up(proc, port)
        _check_responses(port, targets)
        for target in targets:
            for _ in range(10):  # warm-up: both workers load templates and open connections
                fetch(port, target)
            load = run_load(port, target, threads=args.threads, seconds=args.seconds, max_requests=args.max_requests)
            results.append((target, load))
            print(f"  {target.label:60} {load.rps:7.1f} req/s  median {load.median_ms:7.1f} ms  "
                  f"p95 {load.p95_ms:7.1f} ms  errors {load.errors}", flush=True)
    finally:
        _stop(proc)
        token.revoked_at = datetime.now(timezone.utc)
        token.save()

    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    run = report.build(
        results, in_process, context=context, scale=args.scale, engine=engine,
        setup={"gunicorn_workers": args.workers, "gunicorn_threads": 1, "client_threads": args.threads,
               "seconds_per_target": args.seconds, "max_requests_per_target": args.max_requests,
               "cpus": os.cpu_count(), "nice": os.getpriority(os.PRIO_PROCESS, 0), "load_average_before": load_before, "load_average_after": list(os.getloadavg()),
               "python": platform.python_version(), "platform": platform.platform()},
        budget_ms=BUDGET_MS, budget_targets=BUDGET_TARGETS,
    )
    path = report.write(run, args.results_dir)
    print(f"Wrote {path} and {args.results_dir / 'latest.md'}")
    return 0 if run["budget"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
