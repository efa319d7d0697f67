from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Users are created by administrators (CLI or admin), never by open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO signs in existing users, matched on a verified e-mail address."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        from django.conf import settings

        return settings.SOCIALACCOUNT_AUTO_SIGNUP
