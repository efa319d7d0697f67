"""The statement of applicability's implementation status follows from the systems' statuses of
the requirements mapped to each control, with an override and its reason (issue 12 point 6)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from requirements import selectors, services
from requirements.models import ApplicabilityStatement

pytestmark = pytest.mark.django_db


def _row(tenant, number):
    return next(row for row in selectors.soa_rows(tenant=tenant) if row.control.number == number)


@pytest.fixture
def control(tenant, system, classify, catalogue):
    """An Annex A control with the requirements mapped to it that apply to the system (K2-R2-T2-S2)."""
    classify(system, K=2, R=2, T=2, S=2)
    row = _row(tenant, "8.13")  # information backup
    assert row.applying
    return row


def _assess(tenant, system, requirements, status):
    for requirement in requirements:
        services.requirement_status_set(tenant=tenant, system=system, requirement=requirement,
                                        data={"status": status})


def test_the_implementation_follows_the_systems_statuses(tenant, system, control):
    assert (_row(tenant, "8.13").implementation, _row(tenant, "8.13").derived.reason) == (
        "not_implemented", f"0 of {len(control.applying)} system requirements met, 0 partly, "
                           f"{len(control.applying)} not met or not assessed.")
    first, *rest = control.applying
    _assess(tenant, system, [first], "met")
    assert _row(tenant, "8.13").implementation == "partly"
    _assess(tenant, system, rest, "met")
    row = _row(tenant, "8.13")
    assert (row.implementation, row.implementation_label) == ("implemented", "Implemented")
    _assess(tenant, system, [first], "not_met")
    assert _row(tenant, "8.13").implementation == "partly"


def test_an_override_needs_a_reason_which_is_stored_shown_and_exported(tenant, system, control, login, editor):
    with pytest.raises(ValidationError) as exc:
        services.applicability_set(tenant=tenant, control=control.control,
                                   data={"applicable": True, "implementation": "planned"})
    assert list(exc.value.message_dict) == ["implementation_override_reason"]
    assert not ApplicabilityStatement.objects.exists()
    services.applicability_set(tenant=tenant, control=control.control, data={
        "applicable": True, "implementation": "planned",
        "implementation_override_reason": "Ny backuplösning upphandlas under våren."})
    row = _row(tenant, "8.13")
    assert (row.implementation, row.overridden, row.derived.implementation) == ("planned", True, "not_implemented")
    client = login(editor)
    page = client.get(reverse("requirements:soa")).content.decode()
    assert "Ny backuplösning upphandlas under våren." in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("requirements:soa_export"), {"lang": "en"}).content)).active
    backup = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "8.13")
    assert (backup[5], backup[6]) == ("Planned", "Overridden: Ny backuplösning upphandlas under våren. "
                                                 "(from the systems: Not implemented)")
    # Setting what the systems give drops the override: the row follows the systems again.
    services.applicability_set(tenant=tenant, control=control.control,
                               data={"applicable": True, "implementation": "not_implemented"})
    assert (_row(tenant, "8.13").overridden, ApplicabilityStatement.objects.get().implementation_override_reason) == (
        False, "")


def test_the_api_gives_the_derived_status_and_the_override(tenant, system, control, client, api, editor):
    services.applicability_set(tenant=tenant, control=control.control, data={
        "applicable": True, "implementation": "planned", "implementation_override_reason": "Upphandlas."})
    rows = client.get("/api/requirements/soa", **api(editor)).json()
    row = next(r for r in rows if r["control"]["number"] == "8.13")
    assert (row["implementation"], row["implementation_derived"], row["implementation_override_reason"]) == (
        "planned", "not_implemented", "Upphandlas.")
