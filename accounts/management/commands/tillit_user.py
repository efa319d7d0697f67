from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.roles import Role
from trail.context import acting_as


class Command(BaseCommand):
    help = "Create or update a user and their role in an organisation."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organisation slug")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Sets the password (checked against the password policy)")
        parser.add_argument("--name", default="", help="Display name")

    def handle(self, *args, org, role, email, password, name, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug '{org}'.")
        email = email.strip().lower()
        with acting_as(None, source="cli"), transaction.atomic():
            user = User.objects.filter(email=email).first() or User(email=email)
            if name:
                user.full_name = name
            if password:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages))
                user.set_password(password)
            elif user._state.adding:
                user.set_unusable_password()
            user.save()
            membership, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            if not created and membership.role != role:
                membership.role = role
                membership.save()
        self.stdout.write(f"{email}: {role} in {organisation.slug}")
