"""The demo accounts the drills act as (created by `seed_demo`)."""

INCLUSION_LEAD = "inclusion.lead@heronsgate.example"
HEADTEACHER = "headteacher@heronsgate.example"
PROVIDER_STAFF = "staff@mk-pru.example"
PANEL_CHAIR = "panel.chair@mk-council.example"
LA_OFFICER = "la.officer@mk-council.example"

LOAD_ACCOUNTS = [INCLUSION_LEAD, HEADTEACHER, PROVIDER_STAFF, PANEL_CHAIR, LA_OFFICER]
