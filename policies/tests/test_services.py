import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from policies import selectors, services
from policies.models import DocumentReview, GoverningDocument, Kind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_defaults_interval_by_kind_and_next_review(tenant_a, make_doc):
    policy = make_doc(tenant_a)
    routine = make_doc(tenant_a, "Rutin", kind=Kind.ROUTINE, adopted_on=D(2024, 2, 29))
    assert (policy.review_interval_months, policy.next_review) == (24, D(2026, 1, 31))
    assert (routine.review_interval_months, routine.next_review) == (12, D(2025, 2, 28))


def test_month_end_and_explicit_next_review(tenant_a, make_doc):
    doc = make_doc(tenant_a, review_interval_months=1)
    assert doc.next_review == D(2024, 2, 29)
    doc = make_doc(tenant_a, "B", next_review=D(2030, 5, 5))
    assert doc.next_review == D(2030, 5, 5)


def test_owner_must_be_a_member(tenant_a, make_doc, org_b, member):
    outsider = member(org_b, "coordinator")
    with pytest.raises(ValidationError) as exc:
        make_doc(tenant_a, owner=outsider)
    assert exc.value.message_dict == {"owner": ["The owner must be a member of your organisation."]}
    assert GoverningDocument.objects.count() == 0
    assert make_doc(tenant_a, owner=tenant_a.user).owner == tenant_a.user


def test_sharing_only_with_customers_and_suppliers(org_a, org_b, supplier_org, as_member, make_doc, tenant_a):
    _, lead = as_member(supplier_org, "security_lead")
    doc = make_doc(lead, "Leverantörens policy", shared_with=[org_a])
    assert list(doc.shared_with.all()) == [org_a]
    with pytest.raises(ValidationError) as exc:
        make_doc(lead, "Till fel kommun", shared_with=[org_a, org_b])
    assert list(exc.value.message_dict) == ["shared_with"]
    # A municipality may share with its supplier, not with another municipality.
    assert list(make_doc(tenant_a, "Kommunens", shared_with=[supplier_org]).shared_with.all()) == [supplier_org]
    with pytest.raises(ValidationError):
        make_doc(tenant_a, "Fel", shared_with=[OrganisationFactory(name="Kommun C", slug="kommun-c")])
    assert GoverningDocument.objects.filter(title__in=["Till fel kommun", "Fel"]).count() == 0


def test_replaces_only_own_documents(tenant_a, make_doc, org_b, as_member):
    _, tenant_b = as_member(org_b, "coordinator")
    theirs = make_doc(tenant_b, "B:s policy")
    with pytest.raises(ValidationError) as exc:
        make_doc(tenant_a, replaces=theirs)
    assert list(exc.value.message_dict) == ["replaces"]
    old = make_doc(tenant_a, "Gammal")
    assert make_doc(tenant_a, "Ny", replaces=old).replaces == old


def test_reader_cannot_create(org_a, as_member, make_doc):
    _, reader = as_member(org_a, "reader")
    with pytest.raises(PermissionDenied):
        make_doc(reader)


def test_review_records_who_when_and_moves_next_review(tenant_a, make_doc):
    doc = make_doc(tenant_a, adopted_on=D(2006, 4, 24))
    review = services.document_review(tenant=tenant_a, document=doc, outcome="still_valid", comment="OK",
                                      reviewed_on=D(2024, 2, 29))
    doc.refresh_from_db()
    assert (review.reviewed_by, review.reviewed_on, review.next_review) == (tenant_a.user, D(2024, 2, 29), D(2026, 2, 28))
    assert (doc.last_reviewed_on, doc.next_review) == (D(2024, 2, 29), D(2026, 2, 28))


def test_review_needing_revision_requires_a_comment(tenant_a, make_doc):
    doc = make_doc(tenant_a)
    with pytest.raises(ValidationError) as exc:
        services.document_review(tenant=tenant_a, document=doc, outcome="needs_revision", comment=" ")
    assert list(exc.value.message_dict) == ["comment"]
    with pytest.raises(ValidationError):
        services.document_review(tenant=tenant_a, document=doc, outcome="still_valid",
                                 reviewed_on=timezone.localdate() + datetime.timedelta(days=1))
    assert DocumentReview.objects.count() == 0


def test_customer_cannot_review_the_suppliers_document(org_a, supplier_org, as_member, make_doc, tenant_a):
    _, lead = as_member(supplier_org, "security_lead")
    doc = make_doc(lead, shared_with=[org_a])
    with pytest.raises(PermissionDenied):
        services.document_review(tenant=tenant_a, document=doc, outcome="still_valid")
    doc.refresh_from_db()
    assert doc.last_reviewed_on is None and DocumentReview.objects.count() == 0


def test_documents_past_review(tenant_a, make_doc, org_a, as_member, org_b, django_assert_num_queries):
    _, tenant_b = as_member(org_b, "coordinator")
    late = make_doc(tenant_a, "Sen", adopted_on=D(2006, 1, 1))
    make_doc(tenant_a, "Aktuell", adopted_on=timezone.localdate())
    make_doc(tenant_a, "Upphävd", adopted_on=D(2006, 1, 1), status="repealed")
    make_doc(tenant_b, "B sen", adopted_on=D(2006, 1, 1))
    with django_assert_num_queries(1):
        rows = [(d.title, d.organisation.name) for d in selectors.documents_past_review(
            organisation_ids=[org_a.pk], today=timezone.localdate())]
    assert rows == [("Sen", "Kommun A")]
    assert list(selectors.past_review(tenant=tenant_a, today=timezone.localdate())) == [late]
