import datetime

import pytest

from accounts.models import ApiToken
from suppliers.checklist import checklist_areas
from suppliers.models import Contract
from tests.factories import SupplierFactory, SystemFactory


@pytest.fixture
def areas(db):
    return checklist_areas()


@pytest.fixture
def it_supplier(org_a, supplier_org):
    """Kommun A's register entry for the supplier organisation Drift AB."""
    return SupplierFactory(organisation=org_a, name="Drift AB", tillit_organisation=supplier_org)


@pytest.fixture
def make_contract(org_a):
    def make(supplier, **fields):
        values = {"title": "Huvudavtal", "kind": "main", "valid_from": datetime.date(2020, 1, 1)}
        values.update(fields)
        return Contract.objects.create(organisation=supplier.organisation, supplier=supplier, **values)

    return make


@pytest.fixture
def system_a(org_a):
    return SystemFactory(organisation=org_a, name="Ekonomisystem")


@pytest.fixture
def api():
    def make(user, org=None):
        _token, raw = ApiToken.issue(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if org is not None:
            headers["HTTP_X_ORGANISATION"] = org.slug
        return headers

    return make
