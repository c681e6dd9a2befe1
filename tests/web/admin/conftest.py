"""The staff fixtures (test catalogue, one account per role, app, tokens) for the tests in this folder."""

from tests.staff_fixtures import _cheap_password_hashing, app, client, live_server, password, world  # noqa: F401
