"""/api/kpis: definitions, reports with values (a second report of a period corrects it), value
import, each municipality's own verdict, remarks → action, trend data. Same rules as the pages."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from core.api import ImportErrorsOut, InputSchema, RecordId, import_refused
from kpis import importexport, selectors, services
from kpis.models import Direction, KpiDefinition, KpiReport, KpiVerdict, PeriodKind, Unit, Verdict
from organisations.models import Organisation
from organisations.roles import Perm

router = Router(tags=["kpis"])


class DefinitionOut(Schema):
    id: int
    name: str
    service: str
    description: str
    unit: str
    direction: str
    target: Decimal
    period: str
    report_due_days: int
    reported_from: datetime.date
    active: bool
    supplier: str
    addressed_to: list[str]

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_addressed_to(obj) -> list[str]:
        return [o.slug for o in obj.shared_with.all()]


class DefinitionIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    service: str = Field(min_length=1, max_length=120)
    description: str = ""
    unit: Unit = Unit.PERCENT
    direction: Direction = Direction.HIGHER
    target: Decimal = Field(max_digits=12, decimal_places=3)
    period: PeriodKind = PeriodKind.MONTH
    report_due_days: int = Field(10, ge=0, le=365)
    reported_from: datetime.date
    active: bool = True
    addressed_to: list[str] = Field(min_length=1, max_length=100, description="Organisation slugs")


class DefinitionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DefinitionOut]


class ValueOut(Schema):
    definition_id: int
    value: Decimal
    comment: str
    met: bool


class VerdictOut(Schema):
    id: int
    organisation: str
    verdict: str
    comment: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    version: int
    action_id: int | None

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.email if obj.decided_by else None


class ReportOut(Schema):
    id: int
    period_kind: str
    period_start: datetime.date
    supplier: str
    addressed_to: list[str]
    submitted_at: datetime.datetime | None
    comment: str
    superseded_by_id: int | None
    values: list[ValueOut] = []

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_addressed_to(obj) -> list[str]:
        return [o.slug for o in getattr(obj, "visible_addressees", obj.shared_with.all())]

    @staticmethod
    def resolve_values(obj) -> list:
        return [{"definition_id": v.definition_id, "value": v.value, "comment": v.comment, "met": v.met}
                for v in getattr(obj, "loaded_values", [])]


class ReportPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ReportOut]


class ValueIn(InputSchema):
    definition_id: RecordId
    value: Decimal = Field(max_digits=12, decimal_places=3)
    comment: str = ""


class ReportIn(InputSchema):
    period_kind: PeriodKind = PeriodKind.MONTH
    period_start: datetime.date
    addressed_to: list[str] = Field(min_length=1, max_length=100)
    comment: str = ""
    values: list[ValueIn] = Field(min_length=1, max_length=1000)


class VerdictIn(InputSchema):
    verdict: Verdict
    comment: str = ""
    version: int | None = None


class ImportOut(Schema):
    reports: int
    values: int


class PointOut(Schema):
    organisation: str
    period_start: datetime.date
    label: str
    value: Decimal
    met: bool
    report_id: int


class ConflictOut(Schema):
    detail: str


def _page(qs, number: int) -> dict:
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


def _customers(request, slugs: list[str], field: str) -> list[Organisation]:
    found = list(request.tenant.customers().filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ValidationError({field: _("You can only address organisations your organisation serves.")})
    return found


def _visible(request, report: KpiReport) -> KpiReport:
    """A municipality sees only itself among the addressees; values are loaded for the answer."""
    tenant = request.tenant
    report.visible_addressees = report.shared_with.all() if tenant.owns(report) else [tenant.organisation]
    report.loaded_values = list(selectors.report_values(tenant=tenant, report=report))
    return report


@router.get("/definitions", response=DefinitionPage, summary="KPI definitions you read (50 a page)")
def list_definitions(request, page: int = Query(1, ge=1)):
    return _page(selectors.definition_list(tenant=request.tenant), page)


@router.get("/definitions/{int:definition_id}", response=DefinitionOut, summary="One KPI definition")
def get_definition(request, definition_id: int):
    return request.tenant.get(KpiDefinition, definition_id, queryset=selectors.definition_list(tenant=request.tenant))


def _save_definition(request, definition, payload: DefinitionIn) -> KpiDefinition:
    data = payload.dict(exclude={"addressed_to"})
    if definition is not None:
        before = {o.slug for o in definition.shared_with.all()}
        new = [s for s in payload.addressed_to if s not in before]
        keep = list(definition.shared_with.filter(slug__in=payload.addressed_to))
        data["shared_with"] = keep + _customers(request, new, "addressed_to")
    else:
        data["shared_with"] = _customers(request, payload.addressed_to, "addressed_to")
    return services.definition_save(tenant=request.tenant, definition=definition, data=data)


@router.post("/definitions", response={201: DefinitionOut}, summary="Add a KPI definition (supplier)")
def create_definition(request, payload: DefinitionIn):
    request.tenant.require(Perm.SUPPLIER_REPORT)
    obj = _save_definition(request, None, payload)
    return Status(201, get_definition(request, obj.pk))


@router.put("/definitions/{int:definition_id}", response=DefinitionOut, summary="Change a KPI definition")
def update_definition(request, definition_id: int, payload: DefinitionIn):
    request.tenant.require(Perm.SUPPLIER_REPORT)
    definition = request.tenant.get(KpiDefinition, definition_id, write=True)
    _save_definition(request, definition, payload)
    return get_definition(request, definition_id)


@router.get("/definitions/{int:definition_id}/trend", response=list[PointOut],
            summary="Current values per period (corrections replace earlier values)")
def trend(request, definition_id: int):
    tenant = request.tenant
    definition = tenant.get(KpiDefinition, definition_id)
    customer_ids = None if tenant.owns(definition) else {tenant.organisation.pk}
    series = selectors.trends(tenant=tenant, definition=definition, customer_ids=customer_ids)
    return [{"organisation": org.slug, "period_start": p.period_start, "label": p.label, "value": p.value,
             "met": p.met, "report_id": p.report_id} for org, points in series.items() for p in points]


@router.get("/reports", response=ReportPage, summary="KPI reports you read (50 a page)")
def list_reports(request, page: int = Query(1, ge=1)):
    tenant = request.tenant
    answer = _page(selectors.report_list(tenant=tenant), page)
    for report in answer["results"]:
        report.visible_addressees = report.shared_with.all() if tenant.owns(report) else [tenant.organisation]
    return answer


@router.get("/reports/{int:report_id}", response=ReportOut, summary="One report with its values")
def get_report(request, report_id: int):
    return _visible(request, request.tenant.get(KpiReport, report_id,
                                                queryset=KpiReport.objects.select_related("organisation")))


@router.post("/reports", response={201: ReportOut},
             summary="Report a period's values (a period already reported is corrected)")
def create_report(request, payload: ReportIn):
    tenant = request.tenant
    tenant.require(Perm.SUPPLIER_REPORT)
    if not tenant.can_edit(KpiReport):
        raise PermissionDenied
    ids = [v.definition_id for v in payload.values]
    definitions = {d.pk: d for d in tenant.editable(KpiDefinition).filter(pk__in=ids)}
    if len(definitions) != len(set(ids)):
        raise ValidationError({"values": _("Report only your organisation's own KPIs.")})
    report = services.report_create(
        tenant=tenant, period_kind=payload.period_kind, period_start=payload.period_start,
        customers=_customers(request, payload.addressed_to, "addressed_to"), comment=payload.comment,
        values=[services.ValueIn(definitions[v.definition_id], v.value, v.comment) for v in payload.values])
    return Status(201, get_report(request, report.pk))


@router.post("/import", response={200: ImportOut, 422: ImportErrorsOut},
             summary="Import values from XLSX/CSV: period, KPI, customer, value, comment (all or nothing)")
def import_values(request, file: File[UploadedFile]):
    try:
        result = importexport.values_import(tenant=request.tenant, file=file)
    except importexport.ImportFileError as exc:
        return Status(422, {"detail": str(exc), "errors": []})
    if result.errors:
        return import_refused(result.errors)
    return Status(200, {"reports": result.reports, "values": result.values})


@router.get("/reports/{int:report_id}/verdicts", response=list[VerdictOut],
            summary="The verdicts on a report you may see (the supplier: all; a municipality: its own)")
def list_verdicts(request, report_id: int):
    tenant = request.tenant
    report = tenant.get(KpiReport, report_id)
    return list(tenant.scope(KpiVerdict).filter(report=report).select_related("organisation", "decided_by"))


@router.put("/reports/{int:report_id}/verdict", response={200: VerdictOut, 409: ConflictOut},
            summary="Give or change your organisation's verdict (send `version` to avoid overwriting)")
def put_verdict(request, report_id: int, payload: VerdictIn):
    tenant = request.tenant
    tenant.require(Perm.SUPPLIER_FOLLOW_UP)
    report = tenant.get(KpiReport, report_id)
    try:
        verdict = services.verdict_set(tenant=tenant, report=report, verdict=payload.verdict, comment=payload.comment,
                                       version=payload.version)
    except services.VerdictConflict as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, tenant.scope(KpiVerdict).select_related("organisation", "decided_by").get(pk=verdict.pk))


@router.post("/verdicts/{int:verdict_id}/action", response={201: dict},
             summary="Turn your verdict's remarks into an action of your plan (once)")
def verdict_action(request, verdict_id: int):
    tenant = request.tenant
    tenant.require(Perm.SUPPLIER_FOLLOW_UP)
    verdict = tenant.get(KpiVerdict, verdict_id, write=True)
    action = services.verdict_to_action(tenant=tenant, verdict=verdict)
    return Status(201, {"action_id": action.pk, "title": action.title})
