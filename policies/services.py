"""Writes of governing documents and their reviews, each through the tenant."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tenancy import Tenant
from organisations.models import Organisation
from policies import rules, selectors
from policies.models import DEFAULT_INTERVAL, DocumentReview, DocumentStatus, GoverningDocument, Outcome
from requirements.validators import validate_evidence_file

OWNER_NOT_MEMBER = gettext_lazy("The owner must be a member of your organisation.")
REPLACES_NOT_OWN = gettext_lazy("Choose an earlier document of your own organisation.")
SHARE_REFUSED = gettext_lazy("You can share documents only with the organisations you serve and with your suppliers.")

FIELDS = ("kind", "title", "scope", "owner", "adopted_by", "adopted_on", "version", "review_interval_months",
          "next_review", "status", "link", "replaces")


def share_targets(*, tenant: Tenant):
    """The organisations the active one may share with: those it serves and its suppliers."""
    org = tenant.organisation
    return Organisation.objects.filter(pk__in=tenant.customers().values("pk")) | \
        Organisation.objects.filter(pk__in=org.suppliers.values("pk"))


def _check_links(tenant: Tenant, obj: GoverningDocument, shared_with) -> None:
    errors = {}
    if obj.owner_id and not tenant.users().filter(pk=obj.owner_id).exists():
        errors["owner"] = OWNER_NOT_MEMBER
    if obj.replaces_id:
        if obj.pk and obj.replaces_id == obj.pk:
            errors["replaces"] = _("A document cannot replace itself.")
        elif not tenant.editable(GoverningDocument).filter(pk=obj.replaces_id).exists():
            errors["replaces"] = REPLACES_NOT_OWN
    if shared_with is not None:
        wanted = {o.pk for o in shared_with}
        allowed = set(share_targets(tenant=tenant).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            errors["shared_with"] = SHARE_REFUSED
    if errors:
        raise ValidationError(errors)


def _set_file(obj: GoverningDocument, file, remove_file: bool) -> None:
    if file is not None:
        try:
            validate_evidence_file(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages})
        obj.file = file
    elif remove_file:
        obj.file = ""


def document_save(*, tenant: Tenant, document: GoverningDocument | None, data: dict, file=None,
                  remove_file: bool = False) -> GoverningDocument:
    """Create or change a governing document of the active organisation.

    Without an interval the kind's default is used; without a next review date it is the last
    review (or the adoption) plus the interval. `shared_with` in data replaces the sharing.
    """
    with transaction.atomic():
        obj = document or tenant.new(GoverningDocument)
        if document is not None:
            selectors.document_to_change(tenant=tenant, pk=document.pk)
        for name in FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        if not data.get("review_interval_months") and (document is None or "review_interval_months" in data):
            obj.review_interval_months = DEFAULT_INTERVAL.get(obj.kind, 12)
        if "next_review" in data and not data["next_review"] or document is None and not obj.next_review:
            obj.next_review = rules.next_review(adopted_on=obj.adopted_on, last_reviewed_on=obj.last_reviewed_on,
                                                interval_months=obj.review_interval_months)
        for name in ("scope", "adopted_by", "version", "link"):
            if getattr(obj, name) is None:
                setattr(obj, name, "")
        shared_with = data.get("shared_with")
        _check_links(tenant, obj, shared_with)
        _set_file(obj, file, remove_file)
        obj.full_clean()
        obj.save()
        if shared_with is not None:
            obj.shared_with.set(shared_with)
    return obj


def document_review(*, tenant: Tenant, document: GoverningDocument, outcome: str, comment: str = "",
                    reviewed_on: datetime.date | None = None, next_review: datetime.date | None = None) -> DocumentReview:
    """Mark a document as reviewed: records who, when, the outcome and why, and moves its next review."""
    with transaction.atomic():
        doc = selectors.document_to_change(tenant=tenant, pk=document.pk,
                                           queryset=GoverningDocument.objects.select_for_update())
        reviewed_on = reviewed_on or timezone.localdate()
        errors = {}
        if doc.status == DocumentStatus.REPEALED:
            errors["__all__"] = _("A repealed document is no longer reviewed.")
        if outcome not in Outcome.values:
            errors["outcome"] = _("Choose an outcome of the review.")
        if outcome == Outcome.NEEDS_REVISION and not (comment or "").strip():
            errors["comment"] = _("Say what needs to be revised.")
        if reviewed_on > timezone.localdate():
            errors["reviewed_on"] = _("A review cannot be dated in the future.")
        if next_review and next_review <= reviewed_on:
            errors["next_review"] = _("The next review must come after this review.")
        if errors:
            raise ValidationError(errors)
        new_next = next_review or rules.add_months(reviewed_on, doc.review_interval_months)
        review = tenant.new(DocumentReview, document=doc, reviewed_by=tenant.user, reviewed_on=reviewed_on,
                            outcome=outcome, comment=(comment or "").strip(), next_review=new_next)
        review.full_clean()
        review.save()
        doc.last_reviewed_on = reviewed_on
        doc.next_review = new_next
        doc.full_clean()
        doc.save()
    return review
