"""/api/v1/notifications/: own only (administrators included), read one, read all, schema."""

import pytest

from eiso.notifications import services
from eiso.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def _notify(users, key, title="Thông báo", **kwargs):
    return services.notify(recipients=users, kind="tests.ping", key=key, title=title, **kwargs)


def test_list_is_own_only_unread_first(world, api):
    officer, admin = world.users["officer"], world.users["admin"]
    _notify([officer, world.outsider], "k:1", "Một", agency=world.commune_a, url="/tai-lieu/")
    _notify([officer], "k:2", "Hai")
    _notify([world.outsider, admin], "k:3", "Ba")
    services.mark_read(actor=officer, notification=Notification.objects.get(recipient=officer, key="k:2"))
    body = api(officer).get(URL).json()
    assert [row["title"] for row in body["results"]] == ["Một", "Hai"]
    first = body["results"][0]
    assert first["agency"] == world.commune_a.pk and first["agency_name"] == "Xã Văn Giang"
    assert first["is_read"] is False and first["url"] == "/tai-lieu/" and first["kind"] == "tests.ping"
    assert [row["title"] for row in api(officer).get(URL, {"unread": "true"}).json()["results"]] == ["Một"]
    # The administrator sees only their own inbox.
    assert [row["title"] for row in api(admin).get(URL).json()["results"]] == ["Ba"]


def test_read_one_and_read_all(world, api):
    officer = world.users["officer"]
    for n in range(3):
        _notify([officer, world.outsider], f"k:{n}")
    client = api(officer)
    mine = Notification.objects.filter(recipient=officer).first()
    response = client.post(f"{URL}{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert response.json()["read_at"]
    response = client.post(f"{URL}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert client.post(f"{URL}read-all/").json() == {"marked": 0}
    assert Notification.objects.filter(recipient=world.outsider, read_at__isnull=True).count() == 3


def test_another_persons_notification_is_404(world, api):
    _notify([world.outsider], "k:1")
    theirs = Notification.objects.get()
    client = api(world.users["admin"])
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    response = client.post(f"{URL}{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_gets_401(world, api):
    assert api().get(URL).status_code == 401
    assert api().post(f"{URL}read-all/").status_code == 401


def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    officer = world.users["officer"]
    client = api(officer)
    _notify([officer], "k:0", agency=world.commune_a)
    with django_assert_max_num_queries(4) as small:
        assert client.get(URL).status_code == 200
    for n in range(1, 30):
        _notify([officer], f"k:{n}", agency=world.st_a)
    with django_assert_max_num_queries(len(small)):
        assert len(client.get(URL, {"page_size": 100}).json()["results"]) == 30


def test_schema_lists_the_endpoints(world, api):
    schema = api(world.users["officer"]).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert f"{URL}" in paths and f"{URL}{{id}}/read/" in paths and f"{URL}read-all/" in paths
    assert paths[f"{URL}read-all/"]["post"]["summary"] == "Mark all your notifications read"
