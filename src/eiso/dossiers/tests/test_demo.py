"""The demo generator at small scale: 60 dossiers played through the services over a year."""

import datetime
from collections import defaultdict

import pytest

from eiso.dossiers import generator
from eiso.dossiers.machine import SETTLED_STATES
from eiso.dossiers.models import BookEntry, Dossier, HandOver, Status, WorkItem

from .conftest import VN

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 30, 16, 0, tzinfo=VN)


@pytest.fixture
def played(world, process):
    desk = generator.desk_for(world.commune_a)
    assert desk is not None and desk.procedures
    summary = generator.simulate(
        [desk], count=60, first=NOW - datetime.timedelta(days=300), now=NOW, seed=7, notify=False
    )
    return summary


def test_every_state_and_story(played):
    assert played.dossiers == 60 == Dossier.objects.count()
    assert set(played.states) == set(Status.values), played.states
    assert not played.refused_actions, played.refused_actions  # every story fits the rules


def test_codes_unique_and_book_numbering_continuous(played):
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 60
    numbers = defaultdict(list)
    for unit, year, number in BookEntry.objects.values_list("book__unit", "book__year", "number"):
        numbers[(unit, year)].append(number)
    assert numbers
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), key
    # every dossier that went past the counter has its entry; counter outcomes have none
    counter = (Status.COUNTER_REFUSED, Status.COUNTER_SUPPLEMENT)
    assert BookEntry.objects.count() == Dossier.objects.exclude(status__in=counter).count()


def test_closed_have_timeliness_and_open_have_items(played):
    for dossier in Dossier.objects.filter(status__in=SETTLED_STATES):
        assert dossier.timeliness in ("early", "on_time", "late"), dossier.code
        assert dossier.settled_at is not None and dossier.settled_at <= NOW
    for dossier in Dossier.objects.filter(status=Status.PROCESSING):
        assert WorkItem.objects.filter(dossier=dossier, status="open").exists(), dossier.code
    assert Dossier.objects.filter(timeliness="late").exists()
    assert Dossier.objects.filter(extended_at__isnull=False).exists()
    returned = Dossier.objects.filter(status=Status.RETURNED).first()
    actions = list(HandOver.objects.filter(dossier=returned).order_by("pk").values_list("action", flat=True))
    assert actions[0] == "receive" and actions[-1] == "return_result"


def test_moments_follow_each_other(played):
    for dossier in Dossier.objects.exclude(status__in=(Status.COUNTER_REFUSED, Status.COUNTER_SUPPLEMENT)):
        moments = list(
            HandOver.objects.filter(dossier=dossier).order_by("pk").values_list("given_at", flat=True)
        )
        assert moments == sorted(moments) and moments[-1] <= NOW, dossier.code
