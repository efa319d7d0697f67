from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User
from accounts.services import token_create
from trail.context import acting_as


class Command(BaseCommand):
    help = "Print a new API token for a user (shown once; only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="cli", help="Name to tell the token apart")
        parser.add_argument("--days", type=int, default=ApiToken.DEFAULT_DAYS,
                            help=f"Days the token is valid (1–{ApiToken.MAX_DAYS}, default {ApiToken.DEFAULT_DAYS})")
        parser.add_argument("--revoke-all", action="store_true", help="Revoke the user's tokens instead")

    def handle(self, *args, email, name, revoke_all, days, **options):
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
            try:
                _token, raw = token_create(user=user, name=name, days=days)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(raw)
