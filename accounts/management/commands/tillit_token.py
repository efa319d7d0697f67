from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User
from trail.context import acting_as


class Command(BaseCommand):
    help = "Print a new API token for a user (shown once; only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="cli", help="Name to tell the token apart")
        parser.add_argument("--revoke-all", action="store_true", help="Revoke the user's tokens instead")

    def handle(self, *args, email, name, revoke_all, **options):
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with e-mail '{email}'.")
        with acting_as(None, source="cli"):
            if revoke_all:
                from django.utils import timezone

                for token in ApiToken.objects.active().filter(user=user):
                    token.revoked_at = timezone.now()
                    token.save()
                self.stdout.write(f"Revoked the tokens of {user.email}.")
                return
            _token, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(raw)
