"""Fixtures of the API tests: `world` (see `eiso.api.tests.world` for the tree and its users) and
`api(user, language)`, a token-authenticated client."""

import pytest

from eiso.api.tests.world import World, build_world, client_for


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api():
    return client_for
