import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trail.models import AuditedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AuditedModel, AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    TRAIL_SECRET_FIELDS = frozenset({"password"})
    TRAIL_IGNORED_FIELDS = frozenset({"last_login"})

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def trail_organisation_id(self) -> None:
        return None


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(AuditedModel):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    PREFIX = "tlt_"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("begins with"), max_length=12)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    TRAIL_SECRET_FIELDS = frozenset({"digest"})
    TRAIL_IGNORED_FIELDS = frozenset({"last_used_at"})

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def trail_organisation_id(self) -> None:
        return None

    # A token lives this many days unless its creator chooses otherwise, at most MAX_DAYS.
    DEFAULT_DAYS = 90
    MAX_DAYS = 365
    # The time of last use is written at most this often (seconds): not on every request.
    LAST_USED_RESOLUTION = 60

    @classmethod
    def issue(cls, *, user, name: str, days: int = DEFAULT_DAYS) -> tuple["ApiToken", str]:
        """A new token; callers check who may have one (accounts.services.token_create)."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        expires_at = timezone.now() + datetime.timedelta(days=days)
        token = cls.objects.create(user=user, name=name, digest=_digest(raw), hint=raw[:10], expires_at=expires_at)
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> "ApiToken | None":
        """The token, expired or not (the caller says which); None when unknown or revoked."""
        return cls.objects.active().select_related("user").filter(digest=_digest(raw), user__is_active=True).first()

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def touch(self) -> None:
        """Record the use, unless already recorded within the last minute (no write per request)."""
        now = timezone.now()
        if self.last_used_at and (now - self.last_used_at).total_seconds() < self.LAST_USED_RESOLUTION:
            return
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
