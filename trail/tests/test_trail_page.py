import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SystemFactory
from trail import checkpoints
from trail.models import Checkpoint
from trail.tests import attack

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):
    """This module compares messages in English (the msgids): pages, the API and services
    answer in English here, whatever the default language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def auditor(org_a, member, login):
    for i in range(3):
        SystemFactory(organisation=org_a, name=f"System {i}")
    return login(member(org_a, "auditor"))


def test_the_page_no_longer_sends_the_auditor_to_a_command(auditor):
    page = auditor.get(reverse("trail:log")).content.decode()
    assert "verify_audit" not in page
    assert "Verify the trail" in page or "Verifiera" in page


def test_an_auditor_makes_a_checkpoint_and_downloads_it(auditor):
    response = auditor.post(reverse("trail:checkpoint_create"))
    assert response.status_code == 302
    made = Checkpoint.objects.get()
    assert made.reason == Checkpoint.Reason.ON_DEMAND and made.requested_by == "auditor@kommun-a.example"
    download = auditor.get(reverse("trail:checkpoint_latest"))
    assert download.status_code == 200 and download["Content-Type"] == "application/json"
    assert download.content.decode() == made.document
    assert "attachment" in download["Content-Disposition"]


def test_on_demand_checkpoints_are_rate_limited(auditor):
    auditor.post(reverse("trail:checkpoint_create"))
    auditor.post(reverse("trail:checkpoint_create"))
    assert Checkpoint.objects.count() == 1


def test_verifying_in_the_app_says_intact_up_to_the_last_entry(auditor):
    made = checkpoints.make_checkpoint()
    response = auditor.post(reverse("trail:verify"))
    assert response.status_code == 200
    assert f"#{made.seq}" in response.context["result"].message
    assert response.context["result"].ok


def test_verifying_in_the_app_names_the_first_problem(auditor):
    made = checkpoints.make_checkpoint()
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = 2", ["forged"])
    attack.rehash_from(2)
    response = auditor.post(reverse("trail:verify"))
    result = response.context["result"]
    assert not result.ok and result.problem == "checkpoint_rewritten"
    assert f"entry #{made.seq} no longer matches" in response.content.decode()


def test_an_uploaded_checkpoint_is_the_reference(auditor):
    made = checkpoints.make_checkpoint()
    document = made.document
    attack.sql("DELETE FROM trail_checkpoint")
    from django.core.files.storage import default_storage
    default_storage.delete(f"audit-checkpoints/{checkpoints.file_name(made)}")
    attack.sql("UPDATE trail_auditentry SET object_repr = %s WHERE seq = 2", ["forged"])
    attack.rehash_from(2)
    upload = SimpleUploadedFile("revisorns-kopia.json", document.encode(), content_type="application/json")
    response = auditor.post(reverse("trail:verify"), {"checkpoint": upload})
    result = response.context["result"]
    assert not result.ok and "revisorns-kopia.json" in result.message


def test_a_forged_upload_is_reported_not_a_500(auditor):
    upload = SimpleUploadedFile("x.json", b'{"format": "tillit-audit-checkpoint/1", "seq": "a"}')
    response = auditor.post(reverse("trail:verify"), {"checkpoint": upload})
    assert response.status_code == 200
    assert response.context["result"].problem == "checkpoint_invalid"


def test_verification_is_rate_limited_per_member(auditor):
    assert auditor.post(reverse("trail:verify")).status_code == 200
    assert auditor.post(reverse("trail:verify")).status_code == 429


@pytest.mark.parametrize("name", ["trail:checkpoint_create", "trail:verify"])
def test_a_member_without_trail_view_is_refused(org_a, member, login, name):
    client = login(member(org_a, "reader"))
    assert client.post(reverse(name)).status_code == 403
    assert client.get(reverse("trail:checkpoint_latest")).status_code == 403
    assert not Checkpoint.objects.exists()


def test_a_supplier_member_cannot_make_checkpoints(supplier_org, member, login):
    client = login(member(supplier_org, "service_manager"))
    assert client.post(reverse("trail:checkpoint_create")).status_code == 403
    assert not Checkpoint.objects.exists()
