"""The role → permission table, written out as a table.

Every (role, permission) pair is listed with its expected answer. Changing ROLE_PERMISSIONS
without changing this table fails, so every change of who may do what is a conscious one.
"""

import pytest

from organisations.roles import ROLE_PERMISSIONS, SHARED_ONLY_ROLES, Perm, Role, has_perm

# Columns: the roles in this order. "x" grants the permission, "-" does not.
ROLES = [Role.ADMIN, Role.COORDINATOR, Role.SYSTEM_OWNER, Role.SYSTEM_ADMINISTRATOR, Role.DPO, Role.AUDITOR,
         Role.SUPPLIER, Role.SERVICE_MANAGER, Role.SECURITY_LEAD, Role.READER]
GRID = {
    #                          admin  coord  owner  sysadm dpo    audit  suppl  svcmgr seclead reader
    Perm.VIEW:                "x      x      x      x      x      x      x      x      x      x",
    Perm.INVENTORY_EDIT:      "x      x      x      x      -      -      -      -      -      -",
    Perm.INVENTORY_IMPORT:    "x      x      -      -      -      -      -      -      -      -",
    Perm.SUPPLIER_EDIT:       "x      x      -      -      -      -      -      -      -      -",
    Perm.TRAIL_VIEW:          "x      x      -      -      x      x      -      -      x      -",
    Perm.ORG_MANAGE:          "x      -      -      -      -      -      -      -      -      -",
    Perm.CLASSIFY:            "x      x      x      x      x      -      -      -      -      -",
    Perm.CLASSIFY_APPROVE:    "x      -      x      -      -      -      -      -      -      -",
    Perm.REQUIREMENT_EDIT:    "x      x      x      x      -      -      -      -      -      -",
    Perm.RISK_EDIT:           "x      x      x      x      -      -      -      -      -      -",
    Perm.RISK_ACCEPT:         "x      -      x      -      -      -      -      -      -      -",
    Perm.RISK_CONFIGURE:      "x      x      -      -      -      -      -      -      -      -",
    Perm.ACTION_EDIT:         "x      x      x      x      x      -      -      x      x      -",
    Perm.SUPPLIER_REPORT:     "x      -      -      -      -      -      -      x      x      -",
    Perm.SUPPLIER_FOLLOW_UP:  "x      x      -      -      -      -      -      -      -      -",
    Perm.MEETING_EDIT:        "x      x      -      -      -      -      -      x      x      -",
    Perm.DOCUMENT_EDIT:       "x      x      -      -      -      -      -      x      x      -",
    Perm.INCIDENT_REPORT:     "x      x      x      x      x      -      -      x      x      x",
    Perm.INCIDENT_HANDLE:     "x      x      -      x      -      -      -      x      x      -",
    Perm.CHANGE_REQUEST:      "x      x      x      x      -      -      -      x      x      -",
    Perm.CHANGE_DECIDE:       "x      x      x      -      -      -      -      -      -      -",
    Perm.CHANGE_IMPLEMENT:    "x      -      -      x      -      -      -      x      x      -",
    Perm.CHANGE_EXCEPTION:    "x      x      -      -      -      -      -      -      x      -",
    Perm.PRIVACY_EDIT:        "x      x      -      -      x      -      -      -      x      -",
    Perm.PRIVACY_DECIDE:      "x      -      x      -      -      -      -      -      -      -",
    Perm.AUDIT_EDIT:          "x      x      -      -      -      x      -      -      -      -",
    Perm.AUDIT_RESPOND:       "x      x      -      -      -      -      -      -      -      -",
    Perm.MANAGEMENT_REVIEW:   "x      x      -      -      -      -      -      -      -      -",
}
TABLE = [
    (role, perm, mark == "x")
    for perm, row in GRID.items()
    for role, mark in zip(ROLES, row.split(), strict=True)
]


def test_the_grid_is_well_formed():
    assert all(set(row.split()) <= {"x", "-"} and len(row.split()) == len(ROLES) for row in GRID.values())


@pytest.mark.parametrize(("role", "perm", "allowed"), TABLE, ids=[f"{r.value}-{p.value}" for r, p, _a in TABLE])
def test_it_grants_exactly_the_tabled_permission(role, perm, allowed):
    assert has_perm(role, perm) is allowed


def test_it_tables_every_role_and_permission_pair_once():
    pairs = [(role, perm) for role, perm, _allowed in TABLE]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == {(role, perm) for role in Role for perm in Perm}
    assert ROLES == list(Role)


def test_it_knows_no_role_outside_the_table():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert has_perm("owner_of_everything", Perm.VIEW) is False
    assert has_perm("", Perm.VIEW) is False


def test_it_grants_no_permission_that_is_not_a_perm():
    assert has_perm(Role.ADMIN, "inventory.delete_everything") is False
    assert all(perms <= set(Perm.values) for perms in ROLE_PERMISSIONS.values())


def test_it_limits_only_the_supplier_to_shared_records():
    assert SHARED_ONLY_ROLES == frozenset({Role.SUPPLIER})
