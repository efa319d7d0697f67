"""Demo audits: the municipal auditors' audit of Lindö kommun's IT supplier relationship (reference case 2)."""

import datetime

from django.utils import timezone

from audits import services
from audits.frameworks import ensure_loaded
from audits.models import Audit, AuditKind, AuditStatus, Framework
from core.tenancy import Tenant
from organisations.models import Membership
from trail.context import acting_as

LINDO_TITLE = "Granskning av IT- och informationssäkerhet i samarbetet med Mellanskogs IT AB"


def load(*, organisation, users) -> None:
    """Nothing per municipality: the audits need every module's data (see load_supplier)."""


def load_supplier(*, supplier, customers, users) -> None:
    """The audit of Lindö, with the findings adopted and their recommendations as actions (idempotent)."""
    lindo = next((c for c in customers if c.slug == "lindo"), None)
    if lindo is None or Audit.objects.filter(organisation=lindo, title=LINDO_TITLE).exists():
        return
    ensure_loaded()
    membership = (Membership.objects.select_related("user", "organisation")
                  .filter(organisation=lindo, role="coordinator").first())
    if membership is None:
        return
    tenant = Tenant(membership)
    today = timezone.localdate()
    with acting_as(membership.user, source="cli"):
        audit = services.audit_save(tenant=tenant, audit=None, data={
            "kind": AuditKind.AUDIT, "title": LINDO_TITLE, "reference": "KS 2026/118",
            "commissioned_by": "De förtroendevalda revisorerna i Lindö kommun",
            "background": "Lindö kommun hanterar stora mängder digital information, och driften sköts av det "
                          "kommungemensamma IT-bolaget Mellanskogs IT AB.",
            "purpose": "Att bedöma om det finns brister i kommunens interna kontroll av att arbetet med IT- och "
                       "informationssäkerhet är ändamålsenligt, och vilka processer som finns för att följa upp "
                       "IT-säkerheten hos Mellanskogs IT AB.",
            "criteria": "MSB/MCF:s metodstöd för LIS, som bygger på SS-EN ISO/IEC 27001:2022.",
            "questions": "Efterlever Mellanskogs IT AB avtalet med kommunen avseende IT-säkerhet, och styrs "
                         "IT-säkerheten enligt god praxis?\nGenomför kommunen kontinuerlig och ändamålsenlig "
                         "uppföljning av IT-säkerheten hos Mellanskogs IT AB?",
            "scope": "Det arbete som avtalats med och utförs av Mellanskogs IT AB samt kommunens uppföljning av detta.",
            "method": "Studier av styrdokument och Tillits register samt intervjuer med nyckelfunktioner hos "
                      "kommunen och Mellanskogs IT AB.",
            "period_start": today - datetime.timedelta(days=60), "period_end": today,
            "status": AuditStatus.IN_PROGRESS,
            "frameworks": list(Framework.objects.filter(organisation__isnull=True, key__in=["msb-lis", "iso27001-2022"])),
        })
        observations = services.adopt_findings(tenant=tenant, audit=audit, today=today)
        owner = users.get("coordinator") if isinstance(users, dict) and users.get("coordinator") else membership.user
        for i, obs in enumerate(observations):
            for rec in obs.recommendations.all():
                services.recommendation_to_action(tenant=tenant, recommendation=rec, owner=membership.user,
                                                  due_date=today + datetime.timedelta(days=90 + 30 * i))
