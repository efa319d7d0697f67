"""Our 403/404/500 pages: in the site's layout, and the 500 page renderable with no request and no database."""

import pytest
from django.template import loader
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _text(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


def test_it_renders_the_server_error_page_without_request_or_queries(django_assert_num_queries):
    # Django's server_error view renders 500.html with an empty context: a broken database
    # must not break the error page too.
    with django_assert_num_queries(0), translation.override("sv"):
        html = loader.get_template("500.html").render()
    assert '<main id="main"' in html
    assert f"<h1>{_text('Something went wrong')}</h1>" in html
    assert "csrfmiddlewaretoken" not in html and _text("Sign out") not in html


def test_it_shows_the_403_page_in_the_layout(org_a, member, login):
    client = login(member(org_a, "reader"))
    response = client.get(reverse("inventory:system_create"))
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    html = response.content.decode()
    assert f"<h1>{_text('You do not have access to this page')}</h1>" in html
    assert 'aria-label="' in html and reverse("inventory:system_list") in html  # the role's navigation


def test_it_shows_the_404_page_in_the_layout(org_a, member, login):
    client = login(member(org_a, "reader"))
    response = client.get(reverse("inventory:system_detail", args=[999999]))
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    assert f"<h1>{_text('Page not found')}</h1>" in response.content.decode()


def test_it_shows_the_404_page_to_visitors_who_are_signed_out(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{_text('Page not found')}</h1>" in html
    assert 'class="site-nav"' not in html
