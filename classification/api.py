"""Information classification through the API: the same selectors, services and tenancy as the pages."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from classification import selectors, services
from classification.models import Classification, SupplierQuestion
from classification.questionnaire import QUESTIONS
from classification.schemes import SCHEMES, Scheme
from core.api import InputSchema, RecordId, _refuse_nul
from inventory.models import InformationType, System
from organisations.roles import Perm
from suppliers.models import Supplier

router = Router(tags=["classification"])


def _refuse_nul_deep(value):
    """Like core.api's check, also inside the JSON objects that answers and overrides are."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul_deep(item)
        return value
    return _refuse_nul(value)


class OptionOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    id: str
    section: str
    text: str
    help: str
    kind: str
    options: list[OptionOut]


class ClassificationOut(Schema):
    id: int
    information_type_id: int
    information_type: str = Field(alias="information_type.name")
    scheme: str
    status: str
    levels: dict[str, int | None]
    tuple: str = Field(alias="tuple_label")
    answers: dict
    reasoning: dict
    computed: dict
    overrides: dict
    responsible: str | None = Field(None, alias="responsible.email")
    approved_by: str | None = Field(None, alias="approved_by.email")
    approved_at: datetime.datetime | None
    review_date: datetime.date | None
    returned_by: str | None = Field(None, alias="returned_by.email")
    returned_at: datetime.datetime | None = None
    returned_reason: str = ""
    stale: bool = False
    version: int

    @staticmethod
    def resolve_levels(obj: Classification) -> dict[str, int | None]:
        return {a: v for a, v in obj.levels.items() if a in SCHEMES[obj.scheme].aspects}

    @staticmethod
    def resolve_stale(obj: Classification) -> bool:
        return obj.is_stale(selectors.today())


class ClassificationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ClassificationOut]


class Filters(InputSchema):
    status: str = Field("", pattern="^(|draft|review|approved)$")
    stale: bool = False
    q: str = ""
    page: int = Field(1, ge=1)


class OverrideIn(InputSchema):
    level: int | None = None
    justification: str = ""


class AnswersIn(InputSchema):
    answers: dict[str, bool | str | list[str] | None] = Field(
        {}, description="Question id → answer (see GET /questionnaire); leave out what is not answered yet")
    reasoning: dict[str, str] = Field({}, description="Question id → free-text reasoning")
    overrides: dict[str, OverrideIn] = Field(
        {}, description="Aspect (K, R, T, S) → a level set by hand with its justification")
    responsible: str | None = Field(None, description="E-mail of a member of the organisation")

    @field_validator("answers", "reasoning")
    @classmethod
    def _no_nul_inside(cls, value):
        return _refuse_nul_deep(value)


class CreateIn(AnswersIn):
    information_type_id: RecordId


class UpdateIn(AnswersIn):
    version: int = Field(..., description="The version you read; a newer one on the server gives 409")


class SettingsOut(Schema):
    scheme: str
    review_months: int
    aspects: list[str]
    levels: list[OptionOut]

    @staticmethod
    def resolve_aspects(obj) -> list[str]:
        return list(SCHEMES[obj.scheme].aspects)

    @staticmethod
    def resolve_levels(obj) -> list[dict]:
        return [{"value": str(n), "label": str(name)} for n, name in SCHEMES[obj.scheme].levels]


class SettingsIn(InputSchema):
    scheme: Scheme
    review_months: int = Field(..., ge=1, le=services.REVIEW_MONTHS_MAX)


class SupplierQuestionOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.name", description="The organisation that asked")
    classification_id: int | None
    information_type: str | None = Field(None, alias="classification.information_type.name")
    system_id: int | None
    system: str | None = Field(None, alias="system.name")
    requirement_id: int | None
    contract_id: int | None
    contract: str | None = Field(None, alias="contract.title")
    about: str = Field(alias="subject_label")
    supplier_id: int
    supplier: str = Field(alias="supplier.name")
    question: str
    asked_by: str | None = Field(None, alias="asked_by.email")
    asked_on: datetime.date
    due_date: datetime.date
    answer: str
    answered_on: datetime.date | None
    answered_at: datetime.datetime | None
    answered_by: str | None = Field(None, alias="answered_by.email", description="The supplier's member who answered in Tillit")
    recorded_by: str | None = Field(None, alias="recorded_by.email", description="Who recorded an answer received outside Tillit")
    overdue: bool = False

    @staticmethod
    def resolve_overdue(obj: SupplierQuestion) -> bool:
        return obj.is_overdue(selectors.today())


class SupplierQuestionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SupplierQuestionOut]


class QuestionFilters(InputSchema):
    view: str = Field("open", pattern="^(open|overdue|answered|all)$")
    supplier_id: int | None = Field(None, ge=1)
    subject: str = Field("", pattern="^(|classification|system|requirement|contract)$")
    page: int = Field(1, ge=1)


class ToUsFilters(InputSchema):
    view: str = Field("open", pattern="^(open|overdue|answered|all)$")
    organisation_id: int | None = Field(None, ge=1, description="Only the questions of one organisation served")
    page: int = Field(1, ge=1)


class SupplierQuestionIn(InputSchema):
    supplier_id: RecordId
    question: str = Field(..., min_length=1)
    due_date: datetime.date


class QuestionIn(SupplierQuestionIn):
    classification_id: RecordId | None = None
    system_id: RecordId | None = None
    requirement_id: RecordId | None = None
    contract_id: RecordId | None = Field(None, description="One of your organisation's contracts with the supplier")


class AnswerIn(InputSchema):
    answer: str = Field(..., min_length=1)


class ProtectionNeedOut(Schema):
    system_id: int
    levels: dict[str, int | None]
    tuple: str


def _responsible(request, email):
    if not email:
        return None
    user = request.tenant.users().filter(email__iexact=email).first()
    if user is None:
        raise ValidationError({"responsible": _("Choose a member of your organisation.")})
    return user


def _overrides(payload: AnswersIn) -> dict:
    return {aspect: o.dict() for aspect, o in payload.overrides.items()}


def _one(request, classification_id: int) -> Classification:
    return selectors.classification_detail(tenant=request.tenant, pk=classification_id)


def _conflict(exc: services.VersionConflict):
    current = f" {_('Current version: %(v)d.') % {'v': exc.current.version}}" if exc.current else ""
    return HttpError(409, str(exc) + current)


@router.get("/questionnaire", response=list[QuestionOut], summary="The questions and their valid answers")
def questionnaire(request):
    return [{"id": q.id, "section": str(q.section), "text": str(q.text), "help": str(q.help), "kind": q.kind,
             "options": [{"value": v, "label": str(label)} for v, label in q.options]} for q in QUESTIONS]


@router.get("", response=ClassificationPage, summary="Classifications (50 a page)")
def list_classifications(request, filters: Query[Filters]):
    flt = selectors.ClassificationFilters(status=filters.status, stale=filters.stale, q=filters.q)
    paginator = Paginator(selectors.classification_list(tenant=request.tenant, filters=flt), 50)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


@router.get("/settings", response=SettingsOut, summary="The classification model and review interval")
def get_settings(request):
    return selectors.classification_settings(tenant=request.tenant)


@router.put("/settings", response=SettingsOut, summary="Choose the model (only before anything is classified) and interval")
def put_settings(request, payload: SettingsIn):
    return services.classification_settings_save(tenant=request.tenant, scheme=payload.scheme,
                                                 review_months=payload.review_months)


def _page(qs, number: int) -> dict:
    paginator = Paginator(qs, 50)
    page = paginator.get_page(number)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": list(page)}


def _question_out(request, pk: int) -> SupplierQuestion:
    return selectors.supplier_questions(tenant=request.tenant, view="all").get(pk=pk)


@router.get("/questions", response=SupplierQuestionPage, summary="Your organisation's questions to suppliers (50 a page)")
def list_questions(request, filters: Query[QuestionFilters]):
    flt = selectors.QuestionFilters(view=filters.view, supplier_id=filters.supplier_id, subject=filters.subject)
    return _page(selectors.supplier_questions(tenant=request.tenant, filters=flt), filters.page)


def _in_scope(request, model, pk, field: str):
    if pk is None:
        return None
    found = request.tenant.scope(model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No such record in your organisation.")})
    return found


@router.post("/questions", response={201: SupplierQuestionOut},
             summary="Ask a supplier a question about a classification, a system, a requirement or a contract")
def create_any_question(request, payload: QuestionIn):
    from requirements.models import Requirement
    from suppliers.models import Contract

    tenant = request.tenant
    tenant.new(SupplierQuestion)  # 403 before any lookup when the role may not ask
    classification = None
    if payload.classification_id is not None:
        classification = tenant.editable(Classification).filter(pk=payload.classification_id).first()
        if classification is None:
            raise ValidationError({"classification_id": _("No such record in your organisation.")})
    question = services.supplier_question_create(
        tenant=tenant, classification=classification,
        system=_in_scope(request, System, payload.system_id, "system_id"),
        requirement=_in_scope(request, Requirement, payload.requirement_id, "requirement_id"),
        contract=_in_scope(request, Contract, payload.contract_id, "contract_id"),
        supplier=_in_scope(request, Supplier, payload.supplier_id, "supplier_id"),
        question=payload.question, due_date=payload.due_date)
    return Status(201, _question_out(request, question.pk))


@router.get("/questions/{int:question_id}", response=SupplierQuestionOut, summary="One of your questions to suppliers")
def get_question(request, question_id: int):
    return selectors.question_detail(tenant=request.tenant, pk=question_id)


@router.post("/questions/{int:question_id}/answer", response=SupplierQuestionOut,
             summary="Record an answer received outside Tillit (not for a supplier that is in Tillit: 403)")
def answer_question(request, question_id: int, payload: AnswerIn):
    question = request.tenant.get(SupplierQuestion, question_id, write=True)
    services.supplier_question_answer(tenant=request.tenant, question=question, answer=payload.answer)
    return _question_out(request, question_id)


@router.get("/questions-to-us", response=SupplierQuestionPage,
            summary="For a supplier: the questions the organisations it serves have asked it (50 a page)")
def list_questions_to_us(request, filters: Query[ToUsFilters]):
    request.tenant.require(Perm.SUPPLIER_REPORT)
    flt = selectors.QuestionFilters(view=filters.view, organisation_id=filters.organisation_id)
    return _page(selectors.questions_to_us(tenant=request.tenant, filters=flt), filters.page)


def _reply(request, question_id: int, payload: AnswerIn) -> SupplierQuestion:
    services.supplier_question_reply(tenant=request.tenant, question_id=question_id, answer=payload.answer)
    return selectors.questions_to_us(tenant=request.tenant, filters=selectors.QuestionFilters(view="all")).get(
        pk=question_id)


@router.post("/questions-to-us/{int:question_id}/answer", response=SupplierQuestionOut,
             summary="For a supplier: answer a question addressed to your organisation")
def reply_question(request, question_id: int, payload: AnswerIn):
    return _reply(request, question_id, payload)


@router.put("/questions-to-us/{int:question_id}/answer", response=SupplierQuestionOut,
            summary="For a supplier: replace your answer (the history keeps the earlier one)")
def replace_reply(request, question_id: int, payload: AnswerIn):
    return _reply(request, question_id, payload)


@router.get("/systems/{int:system_id}/protection-need", response=ProtectionNeedOut,
            summary="A system's protection need: the highest level of its information per aspect")
def system_protection_need(request, system_id: int):
    system = request.tenant.get(System, system_id)
    need = selectors.protection_need(system)
    return {"system_id": system.pk, "levels": need, "tuple": selectors.need_label(need)}


@router.get("/{int:classification_id}", response=ClassificationOut, summary="One classification")
def get_classification(request, classification_id: int):
    return _one(request, classification_id)


@router.post("", response={201: ClassificationOut}, summary="Classify an information type (the first save)")
def create_classification(request, payload: CreateIn):
    tenant = request.tenant
    tenant.new(Classification)  # 403 before any lookup when the role may not classify
    info = tenant.get(InformationType, payload.information_type_id)
    if selectors.classification_for(tenant=tenant, information_type=info) is not None:
        raise HttpError(409, _("This information type is already classified; change it with PUT."))
    kwargs = {"responsible": _responsible(request, payload.responsible)} if payload.responsible else {}
    try:
        saved = services.classification_save(tenant=tenant, information_type=info, answers=payload.answers,
                                             reasoning=payload.reasoning, overrides=_overrides(payload), **kwargs)
    except services.VersionConflict as exc:
        raise _conflict(exc)
    return Status(201, _one(request, saved.pk))


@router.put("/{int:classification_id}", response=ClassificationOut,
            summary="Replace the answers, reasoning and overrides of a draft")
def update_classification(request, classification_id: int, payload: UpdateIn):
    tenant = request.tenant
    current = tenant.get(Classification, classification_id, write=True)
    try:
        services.classification_save(
            tenant=tenant, information_type=current.information_type, answers=payload.answers,
            reasoning=payload.reasoning, overrides=_overrides(payload),
            responsible=_responsible(request, payload.responsible), version=payload.version)
    except services.VersionConflict as exc:
        raise _conflict(exc)
    return _one(request, classification_id)


def _transition(request, classification_id: int, service) -> Classification:
    current = request.tenant.get(Classification, classification_id, write=True)
    service(tenant=request.tenant, classification=current)
    return _one(request, classification_id)


@router.post("/{int:classification_id}/submit", response=ClassificationOut, summary="Submit a draft for review")
def submit(request, classification_id: int):
    return _transition(request, classification_id, services.classification_submit)


@router.post("/{int:classification_id}/approve", response=ClassificationOut,
             summary="Approve a classification under review (owner of a system holding it, or administrator)")
def approve(request, classification_id: int):
    return _transition(request, classification_id, services.classification_approve)


def _body_reason(request) -> str:
    """`reason` from a JSON body when one is sent; reopening an approved one needs no body."""
    if not request.body or request.content_type != "application/json":
        return ""
    try:
        body = json.loads(request.body)
    except ValueError:
        raise HttpError(400, _("Send the reason as JSON: {\"reason\": \"…\"}.")) from None
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    return reason if isinstance(reason, str) else ""


@router.post("/{int:classification_id}/reopen", response=ClassificationOut,
             summary="Make it a draft again (from review: send it back with a reason, JSON {\"reason\": …})")
def reopen(request, classification_id: int, reason: str = ""):
    current = request.tenant.get(Classification, classification_id, write=True)
    services.classification_reopen(tenant=request.tenant, classification=current,
                                   reason=reason or _body_reason(request))
    return _one(request, classification_id)


@router.post("/{int:classification_id}/questions", response={201: SupplierQuestionOut},
             summary="Record a question to a supplier that the classification waits for")
def create_question(request, classification_id: int, payload: SupplierQuestionIn):
    tenant = request.tenant
    classification = tenant.get(Classification, classification_id, write=True)
    supplier = tenant.scope(Supplier).filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise ValidationError({"supplier_id": _("No such record in your organisation.")})
    question = services.supplier_question_create(tenant=tenant, classification=classification, supplier=supplier,
                                                 question=payload.question, due_date=payload.due_date)
    return Status(201, _question_out(request, question.pk))

