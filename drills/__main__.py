"""`make drills`: the reliability drills that need a whole server, run one after the other.

Each starts its own PostgreSQL cluster (initdb in a temporary folder, on a free port)
and gunicorn with the production settings, so it never touches the machine's database
or the developer's data. Exit status 1 if any drill fails. The figures each prints are
the ones recorded in docs/security.md.
"""

import sys

from drills import load, pg_outage


def main() -> int:
    failed = False
    for drill in (pg_outage.run, load.run):
        lines = drill()
        print("\n".join(lines), flush=True)
        failed = failed or any("FAIL" in line for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
