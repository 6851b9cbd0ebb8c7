"""The top app: the home page and the public statements, the demo (`seed_demo`), and a
pupil's records as a whole (subject access export and retention review, `records.py`).
It may import every other app; no app imports it."""
