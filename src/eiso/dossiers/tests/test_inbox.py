"""The inbox list: branches merged in due order give the same pages as one ordered query."""

import pytest

from eiso.accounts import roles
from eiso.dossiers import services
from eiso.dossiers.models import WorkItem
from eiso.dossiers.querysets import InboxList

from .conftest import at

pytestmark = pytest.mark.django_db


def _ordered(user):
    return list(WorkItem.objects.inbox_of(user).order_by("due_at", "pk").values_list("pk", flat=True))


def test_pages_of_the_inbox_list_follow_due_order_across_mine_and_the_pool(receive_one, users):
    officer, receiver = users[roles.OFFICER], users[roles.RECEIVER]
    for day in (2, 3, 4, 5, 6, 9, 10):
        dossier = receive_one(at=at(day, 9))
        first = dossier.work_items.get(status="open")
        services.complete_step(actor=receiver, item=first, at=at(day, 11))
    pool = list(WorkItem.objects.inbox_of(officer).order_by("pk"))
    for item in pool[::2]:  # every other one claimed: they leave the pool for "mine"
        services.claim(actor=officer, item=item)
    expected = _ordered(officer)
    assert len(expected) == 7
    inbox = InboxList(officer)
    assert inbox.count() == len(inbox) == 7
    pages = [inbox[i : i + 3] for i in range(0, 9, 3)]
    assert [[item.pk for item in page] for page in pages] == [expected[0:3], expected[3:6], expected[6:9]]
    assert inbox[0:0] == []
    assert {item.assignee_id for item in pages[0] + pages[1] + pages[2]} == {officer.pk, None}
    with pytest.raises(TypeError):
        inbox[0]


def test_the_inbox_list_is_empty_for_someone_without_work(receive_one, users):
    receive_one()
    head_inbox = InboxList(users[roles.AGENCY_HEAD])
    assert head_inbox.count() == len(_ordered(users[roles.AGENCY_HEAD]))
