"""Remove the links from messages already sent or failed: invitation and password-reset
links must not stay readable in the outbox (issue 9, data hygiene). The pattern is
copied here so that later edits to the service do not change what this migration did."""

import re

from django.db import migrations

LINK = re.compile(r"https?://\S+|/account/password-reset/\S+|/invitations?/\S+", re.IGNORECASE)
LINK_REMOVED = "[link removed after sending]"


def scrub(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    done = OutboxMessage.objects.exclude(status="pending")
    for message in done.iterator():
        scrubbed = LINK.sub(LINK_REMOVED, message.body)
        if scrubbed != message.body:
            OutboxMessage.objects.filter(pk=message.pk).update(body=scrubbed)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
