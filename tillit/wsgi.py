import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tillit.settings")
application = get_wsgi_application()


def _refuse_unsafe_start() -> None:
    """gunicorn runs no system checks itself: refuse to serve with a configuration error."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [e for e in checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
              if e.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint or ''}" for e in errors))


_refuse_unsafe_start()
