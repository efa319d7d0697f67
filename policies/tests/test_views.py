import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import DocumentReview, GoverningDocument

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def shared(org_a, supplier_org, as_member, make_doc):
    _, lead = as_member(supplier_org, "security_lead")
    return make_doc(lead, "Drift AB:s säkerhetspolicy", shared_with=[org_a])


def test_list_flags_overdue_and_marks_shared(login, coordinator, tenant_a, make_doc, shared):
    make_doc(tenant_a, "IT-säkerhetspolicy", adopted_on=D(2006, 4, 24), adopted_by="Kommunfullmäktige")
    response = login(coordinator).get(reverse("policies:document_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in body and "IT-säkerhetspolicy" in body and "Review overdue by" in body
    assert "Shared by Drift AB" in body
    own = login(coordinator).get(reverse("policies:document_list"), {"origin": "own", "overdue": "on"})
    assert list(own.context["page"]) == list(GoverningDocument.objects.filter(title="IT-säkerhetspolicy"))


def test_list_htmx_returns_results_only(login, coordinator, tenant_a, make_doc):
    make_doc(tenant_a)
    response = login(coordinator).get(reverse("policies:document_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content and b"Informations" in response.content


def test_other_municipality_sees_nothing(login, org_b, member, tenant_a, make_doc):
    doc = make_doc(tenant_a)
    client = login(member(org_b, "coordinator"))
    assert client.get(reverse("policies:document_detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("policies:document_edit", args=[doc.pk])).status_code == 404
    assert "Informationssäkerhetspolicy" not in client.get(reverse("policies:document_list")).content.decode()


def test_create_keeps_input_on_error_and_saves(login, coordinator, org_b, member):
    client = login(coordinator)
    outsider = member(org_b, "reader")
    data = {"kind": "routine", "title": "Rutin för backup", "status": "in_force", "adopted_on": "2024-01-31",
            "owner": outsider.pk}
    response = client.post(reverse("policies:document_create"), data)
    assert response.status_code == 200 and "Rutin för backup" in response.content.decode()
    assert GoverningDocument.objects.count() == 0
    data["owner"] = coordinator.pk
    response = client.post(reverse("policies:document_create"), data)
    doc = GoverningDocument.objects.get()
    assert response.status_code == 302 and (doc.review_interval_months, doc.next_review) == (12, D(2025, 1, 31))


def test_customer_reads_shared_document_but_cannot_change_it(login, coordinator, shared):
    client = login(coordinator)
    page = client.get(reverse("policies:document_detail", args=[shared.pk]))
    assert page.status_code == 200 and "shared with your organisation (read-only)" in page.content.decode()
    assert client.post(reverse("policies:document_edit", args=[shared.pk]),
                       {"kind": "policy", "title": "Ändrad", "status": "in_force"}).status_code == 403
    assert client.post(reverse("policies:document_review", args=[shared.pk]),
                       {"outcome": "still_valid"}).status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Drift AB:s säkerhetspolicy" and DocumentReview.objects.count() == 0


def test_supplier_page_shows_who_it_is_shared_with(login, supplier_org, shared):
    lead = supplier_org.memberships.get(role="security_lead").user
    body = login(lead).get(reverse("policies:document_detail", args=[shared.pk])).content.decode()
    assert "Kommun A" in body


def test_review_form_records_review(login, coordinator, tenant_a, make_doc):
    doc = make_doc(tenant_a, adopted_on=D(2006, 4, 24))
    client = login(coordinator)
    response = client.post(reverse("policies:document_review", args=[doc.pk]),
                           {"outcome": "needs_revision", "comment": ""})
    assert response.status_code == 200 and DocumentReview.objects.count() == 0
    response = client.post(reverse("policies:document_review", args=[doc.pk]),
                           {"outcome": "needs_revision", "comment": "Skriv om efter NIS2."})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.last_reviewed_on == timezone.localdate() and doc.reviews.get().comment == "Skriv om efter NIS2."
    body = client.get(reverse("policies:document_detail", args=[doc.pk])).content.decode()
    assert "Skriv om efter NIS2." in body and "Review overdue" not in body


def test_reader_cannot_review(login, org_a, member, tenant_a, make_doc):
    doc = make_doc(tenant_a)
    response = login(member(org_a, "reader")).post(reverse("policies:document_review", args=[doc.pk]),
                                                   {"outcome": "still_valid"})
    assert response.status_code == 403 and DocumentReview.objects.count() == 0


def test_upload_through_the_form_and_download(login, coordinator, tenant_a, make_doc, settings, tmp_path, org_b,
                                              member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    doc = make_doc(tenant_a)
    client = login(coordinator)
    assert client.get(reverse("policies:document_edit", args=[doc.pk])).status_code == 200
    data = {"kind": "policy", "title": "Informationssäkerhetspolicy", "status": "in_force",
            "adopted_on": "2024-01-31", "review_interval_months": "24", "next_review": "2026-01-31"}
    bad = client.post(reverse("policies:document_edit", args=[doc.pk]),
                      {**data, "upload": SimpleUploadedFile("p.pdf", b"not a pdf")})
    assert bad.status_code == 200 and list(bad.context["form"].errors) == ["upload"]
    doc.refresh_from_db()
    assert not doc.file
    ok = client.post(reverse("policies:document_edit", args=[doc.pk]),
                     {**data, "upload": SimpleUploadedFile("p.pdf", b"%PDF-1.4 policy")})
    assert ok.status_code == 302
    download = client.get(reverse("policies:document_file", args=[doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 policy"
    other = login(member(org_b, "coordinator")).get(reverse("policies:document_file", args=[doc.pk]))
    assert other.status_code == 404
