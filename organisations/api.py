from ninja import Router, Schema

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    role: str
    active: bool


class MembershipOut(Schema):
    id: int
    user_email: str
    user_name: str
    role: str


@router.get("/organisations", response=list[OrganisationOut], summary="The organisations you are a member of")
def list_organisations(request):
    from core.tenancy import Memberships

    active = request.tenant.membership.organisation_id
    return [
        OrganisationOut(id=m.organisation_id, name=m.organisation.name, slug=m.organisation.slug,
                        kind=m.organisation.kind, role=m.role, active=m.organisation_id == active)
        for m in Memberships(request.user).all
    ]


@router.get("/memberships", response=list[MembershipOut], summary="Members of the active organisation")
def list_memberships(request):
    from organisations.selectors import organisation_overview

    members = organisation_overview(tenant=request.tenant)["members"] or []
    return [MembershipOut(id=m.pk, user_email=m.user.email, user_name=m.user.full_name, role=m.role) for m in members]
