"""The page /thong-bao/ and the bell: own notifications only, unread first, mark one (htmx) or all read."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from eiso.notifications import services
from eiso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _notify(users, key, title, **kwargs):
    return services.notify(recipients=users, kind="tests.ping", key=key, title=title, **kwargs)


def _bell(html: str) -> int:
    return int(re.search(r'data-testid="notification-bell" data-unread="(\d+)"', html).group(1))


def test_the_page_lists_own_notifications_unread_first(world):
    officer = world.users["officer"]
    _notify([officer], "k:1", "Thông báo thứ nhất", agency=world.commune_a)
    _notify([officer], "k:2", "Thông báo thứ hai", body="Nội dung\ndòng hai")
    _notify([officer, world.outsider], "k:3", "Thông báo thứ ba")
    _notify([world.outsider], "k:4", "Thông báo của người khác")
    services.mark_read(actor=officer, notification=Notification.objects.get(recipient=officer, key="k:3"))
    html = _client(officer).get(reverse("notifications:list")).content.decode()
    assert html.count('data-testid="notification-row"') == 3
    assert "Thông báo của người khác" not in html
    # Unread (newest first), then read.
    order = [html.index(t) for t in ("Thông báo thứ hai", "Thông báo thứ nhất", "Thông báo thứ ba")]
    assert order == sorted(order)
    assert "Nội dung<br>dòng hai" in html and "Xã Văn Giang" in html
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", html)
    assert _bell(html) == 2
    unread_only = _client(officer).get(reverse("notifications:list"), {"chua-doc": "1"}).content.decode()
    assert unread_only.count('data-testid="notification-row"') == 2


def test_the_bell_counts_unread_on_every_page(world):
    officer = world.users["officer"]
    client = _client(officer)
    home = client.get(reverse("web:home")).content.decode()
    assert _bell(home) == 0 and 'data-testid="notification-count"' not in home
    _notify([officer], "k:1", "Một")
    _notify([officer], "k:2", "Hai")
    home = client.get(reverse("web:home")).content.decode()
    assert _bell(home) == 2 and 'data-testid="notification-count">2<' in home
    assert _bell(_client(world.outsider).get(reverse("web:home")).content.decode()) == 0


def test_mark_one_read_with_htmx_returns_the_row_and_the_new_bell(world):
    officer = world.users["officer"]
    _notify([officer], "k:1", "Một")
    _notify([officer], "k:2", "Hai")
    notification = Notification.objects.get(key="k:1")
    response = _client(officer).post(
        reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in html and 'data-read="1"' in html
    assert 'hx-swap-oob="true"' in html and _bell(html) == 1
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_without_htmx_redirects_back(world):
    officer = world.users["officer"]
    _notify([officer], "k:1", "Một")
    notification = Notification.objects.get()
    response = _client(officer).post(
        reverse("notifications:read", args=[notification.pk]), {"next": "/thong-bao/?chua-doc=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/thong-bao/?chua-doc=1"
    response = _client(officer).post(
        reverse("notifications:read", args=[notification.pk]), {"next": "https://example.com/"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(world):
    officer = world.users["officer"]
    for n in range(3):
        _notify([officer, world.outsider], f"k:{n}", f"Thông báo {n}")
    client = _client(officer)
    page = client.post(reverse("notifications:read_all"), follow=True).content.decode()
    assert "Đã đánh dấu 3 thông báo là đã đọc." in page and _bell(page) == 0
    page = client.post(reverse("notifications:read_all"), follow=True).content.decode()
    assert "Không còn thông báo nào chưa đọc." in page
    assert Notification.objects.filter(recipient=world.outsider, read_at__isnull=True).count() == 3


def test_opening_marks_read_and_goes_to_the_object(world):
    officer = world.users["officer"]
    _notify([officer], "k:1", "Tài liệu", url="/tai-lieu/")
    _notify([officer], "k:2", "Ngoài", url="https://example.com/lua-dao")
    inside, outside = Notification.objects.get(key="k:1"), Notification.objects.get(key="k:2")
    client = _client(officer)
    response = client.get(reverse("notifications:open", args=[inside.pk]))
    assert response.status_code == 302 and response["Location"] == "/tai-lieu/"
    response = client.get(reverse("notifications:open", args=[outside.pk]))
    assert response["Location"] == reverse("notifications:list")  # never an open redirect
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


def test_another_persons_notification_is_404(world):
    _notify([world.outsider], "k:1", "Của người khác")
    theirs = Notification.objects.get()
    client = _client(world.users["admin"])
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert "Của người khác" not in client.get(reverse("notifications:list")).content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(reverse("notifications:list"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    officer = world.users["officer"]
    client = _client(officer)
    _notify([officer], "k:0", "Thông báo 0", agency=world.commune_a)
    client.get(reverse("notifications:list"))  # warm caches (scope, session)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("notifications:list"))
    for n in range(1, 25):
        _notify([officer], f"k:{n}", f"Thông báo {n}", agency=world.commune_a if n % 2 else world.st_a)
    with django_assert_max_num_queries(len(small)) as large:
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('data-testid="notification-row"') == 25
    assert len(large) == len(small)
