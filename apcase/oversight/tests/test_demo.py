"""The demo's compliance board shows green, amber and red, for the school and the LA."""

import pytest
from django.core.management import call_command

from apcase.accounts.models import User
from apcase.oversight import board as compliance
from apcase.oversight.duties import Colour
from apcase.oversight.selectors import board_facts

pytestmark = pytest.mark.django_db


def test_the_demo_board_shows_every_colour():
    call_command("seed_demo")
    for email in ("inclusion.lead@heronsgate.example", "la.officer@mk-council.example"):
        user = User.objects.get(email=email)
        facts = board_facts(user)
        rows = compliance.shown(user, facts, compliance.build(user, facts).rows)
        colours = {cell.colour for row in rows for cell in row.cells.values() if cell}
        assert colours == {Colour.GREEN, Colour.AMBER, Colour.RED}, email
