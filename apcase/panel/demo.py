from apcase.accounts.models import Organisation
from apcase.panel.models import InclusionPanel


def seed(organisations: dict[str, Organisation]) -> None:
    InclusionPanel.objects.update_or_create(
        local_authority=organisations["la"],
        name="Milton Keynes Primary Inclusion Panel",
        defaults={"phase": "Primary"},
    )
