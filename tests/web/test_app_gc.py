"""The app keeps what it loaded at startup out of the garbage collector's full collections while it runs (a full
collection otherwise walks ~190,000 long-lived objects, a ~150 ms stall on an uncached page, issue 17), and gives
it back at shutdown, so a process that builds many apps (the tests) still frees them."""

import gc

from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE


def test_startup_objects_are_frozen_while_the_app_runs_and_released_at_shutdown(settings: Settings) -> None:
    gc.unfreeze()
    with TestClient(create_app(settings), base_url=BASE) as client:
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the modules, mappers and the app itself
        assert client.get("/robots.txt").status_code == 200
    assert gc.get_freeze_count() == 0
