from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.services import actions_for_source
from classification import deciders, questionnaire, rules, selectors, services
from classification.forms import (
    AnswerForm,
    AskForm,
    ClassificationFilterForm,
    NewInformationTypeForm,
    QuestionFilterForm,
    QuestionnaireForm,
    ReplyForm,
    SettingsForm,
    SupplierQuestionForm,
    ToUsFilterForm,
)
from classification.models import Classification, ClassificationSettings, ClassificationStatus, SupplierQuestion
from classification.questionnaire import QUESTIONS
from classification.schemes import ASPECT_FIELDS, ASPECT_LABELS, SCHEMES
from core.decorators import tenant_required
from core.forms import apply_errors, save_form
from inventory.models import InformationType, System
from organisations.roles import Perm
from suppliers.models import Supplier
from trail.selectors import history_for, record_history


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@tenant_required()
def classification_list(request):
    """Every information type with its classification: tuple, status, review date, stale flag."""
    tenant = request.tenant
    form = ClassificationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ClassificationFilters(status=data.get("status") or "", stale=bool(data.get("stale")),
                                              q=data.get("q") or "")
    page = Paginator(selectors.information_type_rows(tenant=tenant, filters=filters), 50).get_page(request.GET.get("page"))
    today = selectors.today()
    for info in page:
        info.c = getattr(info, "classification", None)
        info.stale = info.c.is_stale(today) if info.c else False
    context = {"form": form, "page": page, "query": _query_without_page(request),
               "can_classify": tenant.can_edit(Classification)}
    template = "classification/list.html#results" if request.headers.get("HX-Request") else "classification/list.html"
    return render(request, template, context)


def _levels_context(computed: dict, overrides: dict, scheme: str) -> list[dict]:
    """One row per aspect: the level in force, the level from the answers, any override."""
    definition = SCHEMES[scheme]
    rows = []
    for aspect in definition.aspects:
        from_rules = computed.get("levels", {}).get(aspect)
        override = overrides.get(aspect)
        level = override["level"] if override else from_rules
        rows.append({"aspect": aspect, "label": ASPECT_LABELS[aspect], "level": level,
                     "level_name": definition.label(level), "computed": from_rules,
                     "computed_name": definition.label(from_rules), "override": override})
    return rows


def _fired_context(computed: dict, answers: dict) -> list[dict]:
    fired = []
    for item in computed.get("fired", []):
        rule = rules.RULES_BY_ID.get(item["rule"])
        if rule is None:  # a rule retired since the classification was saved
            continue
        fired.append({"reason": rule.explain(answers), "source": rule.source,
                      "levels": ", ".join(f"{a} {n}" for a, n in item["levels"].items())})
    return fired


def _questionnaire_form(request, tenant, info, classification):
    scheme = classification.scheme if classification else selectors.classification_settings(tenant=tenant).scheme
    if classification:
        initial = QuestionnaireForm.initial_for(classification)
    else:
        # Not started yet (the list's link): what Tillit already knows is offered, saved with the first save.
        initial = {"responsible": tenant.user.pk}
        if not request.POST:
            answers, reasoning = selectors.known_answers(tenant=tenant, information_type=info)
            initial.update({f"q_{q}": "yes" for q in answers})
            initial.update({f"r_{q}": text for q, text in reasoning.items()})
    return QuestionnaireForm(request.POST or None, initial=initial, scheme=scheme, users=tenant.users()), scheme


@tenant_required(Perm.CLASSIFY)
def classify(request, pk):
    """The questionnaire for one information type; the first save creates the classification."""
    tenant = request.tenant
    info = tenant.get(InformationType, pk)
    classification = selectors.classification_for(tenant=tenant, information_type=info)
    if classification is not None and classification.status != ClassificationStatus.DRAFT:
        messages.info(request, _("Reopen the classification to change its answers."))
        return redirect(classification)
    if not tenant.can_edit(Classification):
        raise PermissionDenied
    form, scheme = _questionnaire_form(request, tenant, info, classification)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.classification_save(
                tenant=tenant, information_type=info, answers=form.answers(), reasoning=form.reasoning(),
                overrides=form.overrides(), responsible=form.cleaned_data["responsible"],
                version=form.cleaned_data["version"])
        except services.VersionConflict as exc:
            conflict = True
            form.add_error(None, str(exc) + " " + _("Your answers are kept below; compare and save again."))
            form.data = form.data.copy()
            form.data["version"] = exc.current.version if exc.current else ""
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The classification was saved as a draft."))
            return redirect(saved)
    computed = classification.computed if classification else {}
    if form.is_bound and form.is_valid():
        computed = rules.evaluate(form.answers(), scheme)
    context = {"info": info, "classification": classification, "form": form, "conflict": conflict,
               "levels": _levels_context(computed, _form_overrides(form), scheme)}
    return render(request, "classification/questionnaire.html", context)


def _form_overrides(form) -> dict:
    """Overrides as the form holds them (for showing), justified or not."""
    if form.is_bound:
        if not form.is_valid():
            return {}
        return {a: o for a, o in form.overrides().items() if o["level"] is not None}
    return {a: {"level": form.initial.get(f"override_{a}"), "justification": form.initial.get(f"justification_{a}", "")}
            for a in form.scheme.aspects if form.initial.get(f"override_{a}") is not None}


def _own_system(request, tenant):
    """The organisation's own system named by the POST's `system`, or None (a foreign id is ignored)."""
    pk = request.POST.get("system", "")
    if not pk.isdigit():
        return None
    return tenant.scope(System).filter(pk=int(pk), organisation_id=tenant.membership.organisation_id).first()


@tenant_required(Perm.CLASSIFY)
@require_POST
def start(request, pk):
    """The "Classify" buttons: start the classification with what is known, open the questionnaire."""
    tenant = request.tenant
    info = tenant.get(InformationType, pk)
    started = selectors.classification_for(tenant=tenant, information_type=info) is None
    classification = services.classification_start(tenant=tenant, information_type=info,
                                                   system=_own_system(request, tenant))
    if classification.status != ClassificationStatus.DRAFT:
        messages.info(request, _("The information type is already classified."))
        return redirect(classification)
    if started:
        messages.success(request, _("The classification was started; what Tillit already knows is filled in."))
    return redirect("classification:classify", pk=info.pk)


@tenant_required(Perm.CLASSIFY)
def new_for_system(request, pk):
    """One form on a system's page: a new information type of the system, classified at once."""
    tenant = request.tenant
    system = tenant.get(System, pk, write=True)
    if not tenant.can_edit(InformationType):
        raise PermissionDenied
    form = NewInformationTypeForm(request.POST or None, initial={"personal_data": system.personal_data})
    saved = save_form(request, form, lambda data: services.information_type_classify_new(
        tenant=tenant, system=system, **data), success=_("The information type was recorded and its classification "
                                                          "started."))
    if saved:
        return redirect("classification:classify", pk=saved.result.information_type_id)
    return render(request, "classification/new_information_type.html", {"form": form, "system": system})


@tenant_required(Perm.CLASSIFY)
@require_POST
def preview(request, pk):
    """htmx: the levels the answers give so far, recomputed as they change (nothing is saved)."""
    tenant = request.tenant
    info = tenant.get(InformationType, pk)
    classification = selectors.classification_for(tenant=tenant, information_type=info)
    form, scheme = _questionnaire_form(request, tenant, info, classification)
    computed = rules.evaluate(form.answers(), scheme) if form.is_valid() else {}
    return render(request, "classification/questionnaire.html#levels",
                  {"levels": _levels_context(computed, _form_overrides(form), scheme), "info": info})


@tenant_required()
def classification_detail(request, pk):
    tenant = request.tenant
    classification = selectors.classification_detail(tenant=tenant, pk=pk)
    can_classify = tenant.can_edit(Classification)
    questions = list(selectors.supplier_questions(tenant=tenant, view="all", classification=classification))
    answers = classification.answers
    approval_refusal = deciders.approval_refusal(tenant, classification) if can_classify else None
    context = {
        "c": classification,
        "levels": _levels_context(classification.computed, classification.overrides, classification.scheme),
        "fired": _fired_context(classification.computed, answers),
        "answers": [{"question": q, "answer": q.label(answers.get(q.id)), "reasoning": classification.reasoning.get(q.id, "")}
                    for q in QUESTIONS],
        "stale": classification.is_stale(selectors.today()),
        "today": selectors.today(),
        "can_classify": can_classify,
        "can_approve": can_classify and approval_refusal is None,
        "approval_refusal": approval_refusal if classification.status == ClassificationStatus.REVIEW else None,
        "unanswered": questionnaire.unanswered(answers) if classification.status == ClassificationStatus.DRAFT else [],
        "open_questions": [q for q in questions if q.is_open],
        "answered_questions": [q for q in questions if not q.is_open],
        "question_form": SupplierQuestionForm(suppliers=tenant.scope(Supplier))
        if can_classify and classification.status != ClassificationStatus.APPROVED else None,
        "answer_form": AnswerForm() if can_classify else None,
        "analysis_actions": actions_for_source(classification),
        "driven": selectors.systems_driven(tenant=tenant, classification=classification),
        "history": record_history(obj=classification)[:50],
    }
    return render(request, "classification/detail.html", context)


def _transition(request, pk, service, done: str, **kwargs):
    tenant = request.tenant
    classification = tenant.get(Classification, pk, write=True)
    try:
        service(tenant=tenant, classification=classification, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(classification)


@tenant_required(Perm.CLASSIFY)
@require_POST
def submit(request, pk):
    return _transition(request, pk, services.classification_submit, _("The classification was submitted for review."))


@tenant_required(Perm.CLASSIFY_APPROVE)
@require_POST
def approve(request, pk):
    return _transition(request, pk, services.classification_approve, _("The classification was approved."))


@tenant_required(Perm.CLASSIFY)
@require_POST
def reopen(request, pk):
    return _transition(request, pk, services.classification_reopen, _("The classification is a draft again."),
                       reason=request.POST.get("reason", ""))


@tenant_required(Perm.CLASSIFY)
@require_POST
def question_create(request, pk):
    tenant = request.tenant
    classification = tenant.get(Classification, pk, write=True)
    form = SupplierQuestionForm(request.POST, suppliers=tenant.scope(Supplier))
    if form.is_valid():
        try:
            services.supplier_question_create(tenant=tenant, classification=classification, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The question to the supplier was recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(classification)


@tenant_required(Perm.CLASSIFY)
@require_POST
def question_answer(request, pk):
    """The municipality records an answer received outside Tillit (refused when the supplier is in Tillit)."""
    tenant = request.tenant
    question = tenant.get(SupplierQuestion, pk, write=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.supplier_question_answer(tenant=tenant, question=question, answer=form.cleaned_data["answer"])
        messages.success(request, _("The supplier's answer was recorded."))
    else:
        messages.error(request, _("Write the supplier's answer."))
    # Answered from the list of all questions, the user stays on that list.
    if request.POST.get("next") == "list":
        return redirect("classification:questions")
    if request.POST.get("next") == "classification" and question.classification_id:
        return redirect("classification:detail", question.classification_id)
    return redirect(question.get_absolute_url())


@tenant_required()
def question_list(request):
    """The organisation's questions to suppliers: open, overdue, answered; by supplier and subject."""
    tenant = request.tenant
    suppliers = tenant.scope(Supplier).order_by("name")
    form = QuestionFilterForm(request.GET or None, suppliers=suppliers)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.QuestionFilters(view=data.get("view") or "open", subject=data.get("subject") or "",
                                        supplier_id=data["supplier"].pk if data.get("supplier") else None)
    page = Paginator(selectors.supplier_questions(tenant=tenant, filters=filters), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request), "today": selectors.today(),
               "can_classify": tenant.can_edit(SupplierQuestion), "answer_form": AnswerForm()}
    return render(request, "classification/questions.html", context)


def _ask_form(request, tenant):
    from inventory.models import System
    from requirements.models import Requirement
    from suppliers.models import Contract

    initial = {}
    for name in ("classification", "system", "requirement", "contract", "supplier"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    own_contracts = tenant.scope(Contract).filter(organisation_id=tenant.membership.organisation_id)
    if "contract" in initial and "supplier" not in initial:
        # Asking from a contract's page: the question goes to that contract's supplier.
        initial["supplier"] = own_contracts.filter(pk=initial["contract"]).values_list("supplier_id", flat=True).first()
    return AskForm(
        request.POST or None, initial=initial, suppliers=tenant.scope(Supplier).order_by("name"),
        classifications=tenant.editable(Classification).exclude(status=ClassificationStatus.APPROVED)
        .select_related("information_type").order_by("information_type__name"),
        systems=tenant.scope(System).filter(organisation_id=tenant.membership.organisation_id).order_by("name"),
        requirements=tenant.scope(Requirement).order_by("code"),
        contracts=own_contracts.select_related("supplier").order_by("supplier__name", "title"),
    )


@tenant_required(Perm.CLASSIFY)
def question_new(request):
    """Ask a supplier a question about a classification, a system, a requirement or a contract."""
    tenant = request.tenant
    if not tenant.can_edit(SupplierQuestion):
        raise PermissionDenied
    form = _ask_form(request, tenant)
    saved = save_form(request, form, lambda data: services.supplier_question_create(tenant=tenant, **data),
                      success=_("The question to the supplier was recorded."))
    if saved:
        return redirect(saved.result)
    return render(request, "classification/question_new.html", {"form": form})


@tenant_required()
def question_detail(request, pk):
    """One question: its subject, the answer and who gave or recorded it, the history."""
    tenant = request.tenant
    question = selectors.question_detail(tenant=tenant, pk=pk)
    in_tillit = question.supplier.tillit_organisation_id is not None
    context = {"q": question, "today": selectors.today(), "in_tillit": in_tillit,
               "answer_form": AnswerForm() if tenant.can_edit(SupplierQuestion) and not in_tillit else None,
               "history": record_history(obj=question)[:50]}
    return render(request, "classification/question_detail.html", context)


@tenant_required(Perm.SUPPLIER_REPORT)
def to_us_list(request):
    """For a supplier's members: every question the organisations it serves have addressed to it."""
    tenant = request.tenant
    form = ToUsFilterForm(request.GET or None, organisations=selectors.questioned_customers(tenant=tenant))
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.QuestionFilters(view=data.get("view") or "open",
                                        organisation_id=data["organisation"].pk if data.get("organisation") else None)
    page = Paginator(selectors.questions_to_us(tenant=tenant, filters=filters), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request), "today": selectors.today()}
    return render(request, "classification/to_us.html", context)


@tenant_required(Perm.SUPPLIER_REPORT)
def to_us_answer(request, pk):
    """A supplier's member reads one question addressed to the organisation and answers it."""
    tenant = request.tenant
    question = tenant.get_addressed(SupplierQuestion, pk, perm=Perm.SUPPLIER_REPORT)
    question = selectors.questions_to_us(tenant=tenant, filters=selectors.QuestionFilters(view="all")).get(pk=question.pk)
    form = ReplyForm(request.POST or None, initial={"answer": question.answer})
    saved = save_form(request, form, lambda data: services.supplier_question_reply(
        tenant=tenant, question_id=question.pk, answer=data["answer"]), success=_("Your answer was saved."))
    if saved:
        return redirect("classification:to_us")
    context = {"q": question, "form": form, "today": selectors.today(), "history": record_history(obj=question)[:50]}
    return render(request, "classification/to_us_answer.html", context)


@tenant_required()
def settings_view(request):
    """The classification model and review interval; only RISK_CONFIGURE may change them."""
    tenant = request.tenant
    current = selectors.classification_settings(tenant=tenant)
    can_configure = tenant.can_edit(ClassificationSettings)
    if request.method == "POST" and not can_configure:
        raise PermissionDenied
    form = SettingsForm(request.POST or None, instance=current)
    if save_form(request, form, lambda data: services.classification_settings_save(tenant=tenant, **data),
              success=_("The settings were saved.")):
        return redirect("classification:settings")
    context = {"form": form, "settings": current, "can_configure": can_configure,
               "schemes": [(SCHEMES[key], label) for key, label in current._meta.get_field("scheme").choices],
               "aspects": [(a, ASPECT_LABELS[a]) for a in ASPECT_FIELDS],
               "history": history_for(tenant=tenant, obj=current)}
    return render(request, "classification/settings.html", context)
