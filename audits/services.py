"""Writes of audits, maturity assessments, observations, recommendations and responses, each through the tenant.

An audit belongs to the audited organisation. Its auditors are members of that organisation
with the auditor role (Perm.AUDIT_EDIT); a self-assessment is the coordinator's. The audited
organisation (Perm.AUDIT_RESPOND) writes its responses to the observations.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Action
from actions.services import action_create
from audits import engine
from audits.models import (
    Assessment,
    Audit,
    Framework,
    FrameworkRequirement,
    MaturityLevel,
    Observation,
    Recommendation,
)
from core.findings import PRIORITIES, THEMES_BY_KEY
from core.tenancy import Tenant
from organisations.roles import Perm

PRIORITY_REQUIRED = gettext_lazy("Choose the observation's priority: short, medium or long term.")
LEVEL_OUTSIDE = gettext_lazy("Choose a maturity level on the scale (%(low)d–%(high)d).")
OWNER_REQUIRED = gettext_lazy("Choose who in the audited organisation owns the action.")
OWNER_NOT_MEMBER = gettext_lazy("The owner must be a member of the audited organisation.")
DUE_REQUIRED = gettext_lazy("Choose the action's due date.")
NOT_AUDITOR = gettext_lazy("Only the auditors of this audit write its observations and assessments.")
PLAN_REQUIRED = gettext_lazy("Only the audit's auditors and those who manage the action plan turn a recommendation "
                             "into an action.")

AUDIT_FIELDS = ("kind", "title", "reference", "commissioned_by", "background", "purpose", "criteria", "questions",
                "answers", "scope", "method", "summary", "review", "sources", "period_start", "period_end",
                "report_date", "status")


def _check_auditors(tenant: Tenant, auditors) -> None:
    members = set(tenant.users().filter(pk__in=[u.pk for u in auditors]).values_list("pk", flat=True))
    if {u.pk for u in auditors} - members:
        raise ValidationError({"auditors": _("The auditors must be members of the audited organisation.")})


def audit_save(*, tenant: Tenant, audit: Audit | None, data: dict) -> Audit:
    """Create or change an audit of the active organisation (auditors and frameworks included)."""
    auditors = data.get("auditors")
    frameworks = data.get("frameworks")
    with transaction.atomic():
        if audit is None:
            audit = tenant.new(Audit)
        else:
            audit = tenant.get(Audit, audit.pk, write=True)
            require_auditor(tenant, audit)
        for name in AUDIT_FIELDS:
            if name in data:
                setattr(audit, name, data[name] if data[name] is not None else getattr(audit, name))
        if audit.period_start and audit.period_end and audit.period_end < audit.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if auditors is not None:
            _check_auditors(tenant, list(auditors))
        if frameworks is not None:
            allowed = set(tenant.scope(Framework).filter(pk__in=[f.pk for f in frameworks]).values_list("pk", flat=True))
            if {f.pk for f in frameworks} - allowed:
                raise ValidationError({"frameworks": _("Choose frameworks your organisation can read.")})
        audit.full_clean()
        audit.save()
        if auditors is not None:
            audit.auditors.set(auditors or ([tenant.user] if tenant.user else []))
        elif not audit.auditors.exists() and tenant.user is not None:
            audit.auditors.add(tenant.user)
        if frameworks is not None:
            audit.frameworks.set(frameworks)
    return audit


def is_auditor(tenant: Tenant, audit: Audit) -> bool:
    """Whether the tenant writes in the audit (require_auditor passes), read from prefetched auditors."""
    if not tenant.can(Perm.AUDIT_EDIT) or not tenant.owns(audit):
        return False
    ids = {u.pk for u in audit.auditors.all()}
    return not ids or (tenant.user is not None and tenant.user.pk in ids)


def require_auditor(tenant: Tenant, audit: Audit) -> None:
    """The audit's auditors (or, when it names none, any member who may carry out audits) write in it."""
    tenant.require(Perm.AUDIT_EDIT)
    if not tenant.owns(audit):
        raise PermissionDenied(NOT_AUDITOR)
    ids = set(audit.auditors.values_list("pk", flat=True))
    if ids and tenant.user is not None and tenant.user.pk not in ids:
        raise PermissionDenied(NOT_AUDITOR)


# Maturity ------------------------------------------------------------------------------------


def scale() -> list[MaturityLevel]:
    from audits.frameworks import ensure_loaded

    ensure_loaded()
    return list(MaturityLevel.objects.order_by("level"))


def check_level(level) -> int:
    levels = [m.level for m in scale()]
    low, high = min(levels), max(levels)
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = None
    if value is None or value not in levels:
        raise ValidationError({"level": LEVEL_OUTSIDE % {"low": low, "high": high}})
    return value


def assessment_save(*, tenant: Tenant, audit: Audit, requirement: FrameworkRequirement, level, comment: str = "",
                    evidence: list[dict] | None = None) -> Assessment:
    """Assess one requirement of one of the audit's frameworks on the maturity scale."""
    audit = tenant.get(Audit, audit.pk, write=True)
    require_auditor(tenant, audit)
    value = check_level(level)
    if not audit.frameworks.filter(pk=requirement.framework_id).exists():
        raise ValidationError({"requirement": _("Choose a requirement of the audit's frameworks.")})
    links = []
    for item in evidence or []:
        label, url = str(item.get("label", "")).strip(), str(item.get("url", "")).strip()
        if not label or not url.startswith("/"):
            raise ValidationError({"evidence": _("Each piece of evidence needs a label and a link within Tillit.")})
        links.append({"label": label[:300], "url": url[:500]})
    with transaction.atomic():
        row = tenant.scope(Assessment).filter(audit=audit, requirement=requirement).first() or tenant.new(
            Assessment, audit=audit, requirement=requirement)
        row.level, row.comment, row.evidence = value, comment, links
        row.assessed_by, row.assessed_at = tenant.user, timezone.now()
        row.full_clean()
        row.save()
    return row


# Observations ----------------------------------------------------------------------------------


def _next_number(qs) -> int:
    return (qs.aggregate(n=Max("number"))["n"] or 0) + 1


def observation_save(*, tenant: Tenant, audit: Audit, observation: Observation | None, data: dict) -> Observation:
    """An auditor writes an observation; a priority is required (the seed's three levels)."""
    audit = tenant.get(Audit, audit.pk, write=True)
    require_auditor(tenant, audit)
    if data.get("priority") not in PRIORITIES:
        raise ValidationError({"priority": PRIORITY_REQUIRED})
    with transaction.atomic():
        if observation is None:
            observation = tenant.new(Observation, audit=audit,
                                     number=_next_number(tenant.scope(Observation).filter(audit=audit)))
        else:
            observation = tenant.get(Observation, observation.pk, write=True)
        for name in ("title", "description", "priority", "risk", "theme", "evidence"):
            if name in data and data[name] is not None:
                setattr(observation, name, data[name])
        observation.full_clean()
        observation.save()
        for text in data.get("recommendations") or []:
            recommendation_add(tenant=tenant, observation=observation, text=text)
    return observation


IN_PLAN_KEPT = gettext_lazy("Recommendation %(number)d is already an action in the plan; it is kept as written.")
IN_PLAN_DELETE = gettext_lazy("The observation cannot be removed: its recommendations are already actions in the plan.")


def observation_update(*, tenant: Tenant, observation: Observation, data: dict) -> Observation:
    """An auditor changes an observation; its recommendations follow the lines given, in order:
    line n is recommendation n (changed while it is not yet an action), extra lines are added,
    and recommendations without a line are removed unless they are already in the plan."""
    observation = tenant.get(Observation, observation.pk, write=True,
                             queryset=Observation.objects.select_related("audit"))
    texts = data.get("recommendations")
    with transaction.atomic():
        observation = observation_save(tenant=tenant, audit=observation.audit, observation=observation,
                                       data={**data, "recommendations": None})
        if texts is not None:
            _recommendations_follow(tenant, observation, [str(t).strip() for t in texts if str(t).strip()])
    return observation


def _recommendations_follow(tenant: Tenant, observation: Observation, texts: list[str]) -> None:
    existing = list(tenant.scope(Recommendation).filter(observation=observation).order_by("number"))
    for index, rec in enumerate(existing):
        wanted = texts[index] if index < len(texts) else None
        if rec.action_id:
            if wanted != rec.text:
                raise ValidationError({"recommendations": IN_PLAN_KEPT % {"number": rec.number}})
            continue
        if wanted is None:
            rec.delete()
        elif wanted != rec.text:
            rec.text = wanted
            rec.full_clean()
            rec.save()
    for text in texts[len(existing):]:
        recommendation_add(tenant=tenant, observation=observation, text=text)


def observation_delete(*, tenant: Tenant, observation: Observation) -> None:
    """An auditor removes an observation not yet acted on; the later ones move up a number."""
    observation = tenant.get(Observation, observation.pk, write=True,
                             queryset=Observation.objects.select_related("audit"))
    audit = observation.audit
    require_auditor(tenant, audit)
    if tenant.scope(Recommendation).filter(observation=observation, action__isnull=False).exists():
        raise ValidationError(IN_PLAN_DELETE)
    with transaction.atomic():
        number = observation.number
        observation.delete()
        for later in tenant.scope(Observation).filter(audit=audit, number__gt=number).order_by("number"):
            later.number -= 1
            later.save()


def recommendation_add(*, tenant: Tenant, observation: Observation, text: str) -> Recommendation:
    require_auditor(tenant, observation.audit)
    if not str(text).strip():
        raise ValidationError({"text": _("Write the recommendation.")})
    rec = tenant.new(Recommendation, observation=observation, text=str(text).strip(),
                     number=_next_number(tenant.scope(Recommendation).filter(observation=observation)))
    rec.full_clean()
    rec.save()
    return rec


def source_label(recommendation: Recommendation) -> str:
    return _("Audit: %(audit)s / Recommendation %(obs)d.%(number)d") % {
        "audit": recommendation.observation.audit.title, "obs": recommendation.observation.number,
        "number": recommendation.number}


def recommendation_to_action(*, tenant: Tenant, recommendation: Recommendation, owner,
                             due_date: datetime.date | None, title: str = "") -> Action:
    """The recommendation becomes an action in the audited organisation's plan (owner and due date required).

    Those who manage the audited organisation's plan (Perm.ACTION_EDIT, e.g. its coordinator) do
    it, and so do the audit's own auditors for their recommendations: the auditor writes nothing
    else in the plan, so the permission is lent (Tenant.granting) for this one action only. The
    action is created by actions.services.action_create, so the plan's own checks apply (the
    owner a member of the organisation); the organisation may change owner and date afterwards.
    """
    recommendation = tenant.get(Recommendation, recommendation.pk,
                                queryset=Recommendation.objects.select_related("observation__audit"))
    if not (tenant.can(Perm.AUDIT_EDIT) or tenant.can(Perm.AUDIT_RESPOND)) or not tenant.owns(recommendation):
        raise PermissionDenied
    if not tenant.can_edit(Action):
        if not is_auditor(tenant, recommendation.observation.audit):
            raise PermissionDenied(PLAN_REQUIRED)
        tenant = tenant.granting(Perm.ACTION_EDIT)
    errors = {}
    if owner is None:
        errors["owner"] = OWNER_REQUIRED
    elif not tenant.users().filter(pk=owner.pk).exists():
        errors["owner"] = OWNER_NOT_MEMBER
    if due_date is None:
        errors["due_date"] = DUE_REQUIRED
    if errors:
        raise ValidationError(errors)
    if recommendation.action_id:
        raise ValidationError(_("This recommendation is already an action in the plan."))
    with transaction.atomic():
        action = action_create(tenant=tenant, title=(title or recommendation.text)[:300],
                               description=recommendation.text, source=recommendation, owner=owner,
                               due_date=due_date, source_label=source_label(recommendation)[:300])
        recommendation.action = action
        recommendation.save()
    return action


def respond(*, tenant: Tenant, observation: Observation, response: str) -> Observation:
    """The audited organisation's response to an observation."""
    tenant.require(Perm.AUDIT_RESPOND)
    observation = tenant.get(Observation, observation.pk)
    if not tenant.owns(observation):
        raise PermissionDenied
    if not str(response).strip():
        raise ValidationError({"response": _("Write the response.")})
    with transaction.atomic():
        observation.response = str(response).strip()
        observation.responded_by, observation.responded_at = tenant.user, timezone.now()
        observation.full_clean()
        observation.save()
    return observation


def adopt_findings(*, tenant: Tenant, audit: Audit, themes: list[str] | None = None,
                   today: datetime.date | None = None) -> list[Observation]:
    """One observation per theme of the organisation's current findings, with the theme's title,
    the records behind it, the suggested priority and the suggested recommendations. A theme
    already adopted into the audit is left as it is."""
    audit = tenant.get(Audit, audit.pk, write=True)
    require_auditor(tenant, audit)
    today = today or timezone.localdate()
    groups = engine.evaluate_and_record(audit.organisation, today=today)
    present = set(tenant.scope(Observation).filter(audit=audit).values_list("theme", flat=True))
    created = []
    with transaction.atomic():
        for group in groups:
            if group.key in present or (themes is not None and group.key not in themes):
                continue
            description = "\n".join(f"{f.rule.title} ({f.rule.citation})." for f in group.findings)
            created.append(observation_save(tenant=tenant, audit=audit, observation=None, data={
                "title": str(THEMES_BY_KEY[group.key].title), "theme": group.key, "priority": group.priority,
                "description": description,
                "evidence": [{"label": e.label[:300], "url": e.url} for e in group.evidence],
                "recommendations": group.recommendations}))
    return created
