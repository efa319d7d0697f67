"""The one tenancy mechanism: every read and write of tenant records goes through here.

A `Tenant` is the acting user in their active organisation (a Membership). Pages get it
from core.middleware, the API from its token authentication; both then call
`tenant.scope(Model)`, `tenant.get(Model, pk)` and `tenant.require(perm)`. No view or
endpoint filters by organisation itself.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import (
    AddressedTenantModel,
    CatalogueTenantModel,
    ChildTenantModel,
    ResponseTenantModel,
    SharedTenantModel,
    TenantModel,
)
from organisations.models import Membership, Organisation
from organisations.roles import SHARED_ONLY_ROLES, has_perm


def _shared_with(model: type[SharedTenantModel], organisation_id: int) -> Exists:
    field = model._meta.get_field("shared_with")
    through = field.remote_field.through
    return Exists(
        through.objects.filter(
            **{field.m2m_field_name(): OuterRef("pk"), field.m2m_reverse_field_name(): organisation_id}
        )
    )


@dataclass(frozen=True)
class Tenant:
    """The acting user's view of the data: their membership in the active organisation."""

    membership: Membership
    # Permissions lent for one write that a record's own rule allows (see `granting`).
    granted: frozenset = field(default=frozenset(), compare=False)

    @property
    def user(self):
        return self.membership.user

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, perm: str) -> bool:
        return has_perm(self.role, perm) or perm in self.granted

    def granting(self, *perms: str) -> "Tenant":
        """This member with `perms` lent for one write that a record's own rule allows: an audit's
        auditor putting the audit's recommendation into the audited organisation's plan. The caller
        has checked that rule; the lent permissions live only in the returned object, and the
        scope (the active organisation) is unchanged."""
        return replace(self, granted=self.granted | frozenset(perms))

    def require(self, perm: str) -> None:
        if not self.can(perm):
            raise PermissionDenied

    def can_edit(self, model: type[TenantModel]) -> bool:
        return self.role not in SHARED_ONLY_ROLES and self.can(model.edit_perm)

    def scope(self, model: type[TenantModel]) -> QuerySet:
        """Records of `model` this tenant may read: its own, plus those shared with it.

        "Reported once, each decides": an AddressedTenantModel is read by the organisations it
        is addressed to (as a shared record is); a ResponseTenantModel (an addressee's own
        decision) by its organisation and the subject's owner, never by another addressee; a
        ChildTenantModel by whoever reads its parent; a record with an `addressee_lookup` (a
        municipality's question to a supplier) also by the organisation that lookup names.
        """
        if not self.can("view"):
            return model.objects.none()
        org_id = self.membership.organisation_id
        own = Q(organisation_id=org_id)
        if issubclass(model, ResponseTenantModel):
            if self.role in SHARED_ONLY_ROLES:
                return model.objects.none()
            return model.objects.filter(own | Q(**{f"{model.subject_field}__organisation_id": org_id}))
        if issubclass(model, ChildTenantModel):
            parent = model._meta.get_field(model.parent_field).related_model
            return model.objects.filter(**{f"{model.parent_field}__in": self.scope(parent).values("pk")})
        if getattr(model, "addressee_lookup", ""):
            if self.role in SHARED_ONLY_ROLES:
                return model.objects.none()
            return model.objects.filter(own | Q(**{model.addressee_lookup: org_id}))
        if issubclass(model, SharedTenantModel):
            shared = _shared_with(model, org_id)
            if self.role in SHARED_ONLY_ROLES:
                return model.objects.filter(shared)
            return model.objects.filter(own | shared)
        if issubclass(model, CatalogueTenantModel):
            # The shared catalogue is public to every member; additions stay the organisation's,
            # and like its other internal records they are hidden from supplier-role users.
            catalogue = Q(organisation__isnull=True)
            return model.objects.filter(catalogue if self.role in SHARED_ONLY_ROLES else catalogue | own)
        if self.role in SHARED_ONLY_ROLES:
            return model.objects.none()
        return model.objects.filter(own)

    def editable(self, model: type[TenantModel]) -> QuerySet:
        """Records of `model` this tenant may change: only its own organisation's."""
        if not self.can_edit(model):
            return model.objects.none()
        return model.objects.filter(organisation_id=self.membership.organisation_id)

    def get(self, model: type[TenantModel], pk, *, write: bool = False, queryset: QuerySet | None = None):
        """One record by primary key, or Http404 when it is not visible (or not writable)."""
        if write and not self.can_edit(model):
            raise PermissionDenied
        base = self.editable(model) if write else self.scope(model)
        if queryset is not None:
            base = queryset & base
        try:
            return base.get(pk=pk)
        except (model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404

    def get_own(self, model: type[CatalogueTenantModel], pk, *, catalogue_refusal: str):
        """One of the organisation's own records of a catalogue model, to change.

        PermissionDenied for a role that may not edit, Http404 outside the scope, and
        PermissionDenied carrying `catalogue_refusal` for an entry of the shared catalogue (it
        is visible to everyone, so a 404 would be wrong).
        """
        if not self.can_edit(model):
            raise PermissionDenied
        if self.get(model, pk).is_catalogue:
            raise PermissionDenied(catalogue_refusal)
        return self.get(model, pk, write=True)

    def new(self, model: type[TenantModel], **fields) -> TenantModel:
        """An unsaved record owned by the active organisation (permission checked)."""
        if not self.can_edit(model):
            raise PermissionDenied
        return model(organisation=self.organisation, **fields)

    def owns(self, obj: TenantModel) -> bool:
        return obj.organisation_id == self.membership.organisation_id

    # "Reported once, each decides" -------------------------------------------------------

    def customers(self) -> QuerySet:
        """The organisations the active organisation serves: the only ones it may address."""
        return self.organisation.customers.order_by("name")

    def check_addressees(self, organisations, *, field: str = "shared_with") -> None:
        """ValidationError unless every organisation is one the active organisation serves.

        Addressing needs at least one organisation; a former customer keeps what it was sent
        earlier, but nothing new can be addressed to it.
        """
        wanted = {o.pk for o in organisations}
        if not wanted:
            raise ValidationError({field: _("Choose at least one of the organisations you serve.")})
        served = set(self.customers().filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - served:
            raise ValidationError({field: _("You can only address organisations your organisation serves.")})

    def addressed_to_me(self, model: type[AddressedTenantModel]) -> QuerySet:
        """Records of another organisation addressed to the active organisation."""
        if not self.can("view") or self.role in SHARED_ONLY_ROLES:
            return model.objects.none()
        return model.objects.filter(_shared_with(model, self.membership.organisation_id))

    def respond(self, model: type[ResponseTenantModel], subject: AddressedTenantModel, *, perm: str, **fields):
        """An unsaved response of the active organisation to `subject` (e.g. a verdict).

        Only an organisation the subject is addressed to responds, with a role that has `perm`;
        the subject's own organisation (the supplier) never decides for its customers.
        """
        self.require(perm)
        if self.role in SHARED_ONLY_ROLES:
            raise PermissionDenied
        if self.owns(subject):
            raise PermissionDenied(_("Only the organisations it is addressed to decide on this."))
        if not self.addressed_to_me(type(subject)).filter(pk=subject.pk).exists():
            raise Http404
        return model(organisation=self.organisation, **{model.subject_field: subject}, **fields)

    def notify(self, model: type[ResponseTenantModel], subject: AddressedTenantModel, organisations, **fields) -> list:
        """Open, for each organisation `subject` is newly addressed to, its own response record (an
        incident's case): the moment it was told is when its part starts. Everything in it after
        that is the addressee's; the sender only addresses, and only the customers it serves."""
        if not self.owns(subject) or not self.can_edit(type(subject)):
            raise PermissionDenied
        self.check_addressees(organisations)
        existing = set(model.objects.filter(**{model.subject_field: subject}).values_list("organisation_id", flat=True))
        created = []
        for organisation in organisations:
            if organisation.pk in existing:
                continue
            record = model(organisation=organisation, **{model.subject_field: subject}, **fields)
            record.save()
            created.append(record)
        subject.shared_with.add(*organisations)
        return created

    def my_responses(self, model: type[ResponseTenantModel]) -> QuerySet:
        """The active organisation's own responses of `model` (to pick "my verdict")."""
        if not self.can("view") or self.role in SHARED_ONLY_ROLES:
            return model.objects.none()
        return model.objects.filter(organisation_id=self.membership.organisation_id)

    def get_addressed(self, model: type[TenantModel], pk, *, perm: str):
        """One record another organisation addressed to the active one, for its answer
        (a question to the supplier): Http404 when it is not addressed to it, PermissionDenied
        for a role without `perm`."""
        self.require(perm)
        if self.role in SHARED_ONLY_ROLES or not model.addressee_lookup:
            raise PermissionDenied
        try:
            return model.objects.get(**{model.addressee_lookup: self.membership.organisation_id}, pk=pk)
        except (model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404

    def users(self):
        """Users who are members of the active organisation (for owner pickers)."""
        from accounts.models import User

        if self.role in SHARED_ONLY_ROLES:
            # A supplier-role user changes nothing and, as on the organisation page, does not
            # see who the members are.
            return User.objects.none()
        return User.objects.filter(memberships__organisation_id=self.membership.organisation_id).order_by("email")

    def owners(self):
        """Members whose role may own a system, information or a risk (organisations.roles.can_own)."""
        from accounts.models import User
        from organisations.roles import OWNER_ROLES

        if self.role in SHARED_ONLY_ROLES:
            return User.objects.none()
        # One filter() call, so that both conditions hold for the same membership.
        return User.objects.filter(memberships__organisation_id=self.membership.organisation_id,
                                   memberships__role__in=OWNER_ROLES).order_by("email")


class Memberships:
    """A user's memberships, loaded once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def all(self) -> list[Membership]:
        if not self.user.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=self.user).select_related("organisation", "user").order_by("organisation__name")
        )

    def pick(self, organisation_id: int | None) -> Membership | None:
        for membership in self.all:
            if membership.organisation_id == organisation_id:
                return membership
        return self.all[0] if self.all else None


def sharing_organisations(organisation: Organisation) -> list[int]:
    """The pks of the organisations whose records may be addressed to `organisation` or it to
    them ("reported once, each decides"): those that serve it and those it serves. One query."""
    return list(Organisation.objects.filter(Q(customers=organisation) | Q(suppliers=organisation))
                .values_list("pk", flat=True).distinct())


def organisation_reader(organisation: Organisation) -> Tenant:
    """The organisation's own reading of its data, for rules that look at an organisation as a
    whole (automatic findings, reminders): what any of its reading members sees, its records
    and what is shared with or addressed to it. It can change nothing."""
    from organisations.roles import Role

    return Tenant(Membership(organisation=organisation, role=Role.READER))


def tenant_for(user, organisation_id: int | None) -> Tenant | None:
    membership = Memberships(user).pick(organisation_id)
    return Tenant(membership) if membership else None
