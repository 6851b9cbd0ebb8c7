"""Build apcase's copy of GOV.UK Frontend into apcase/static/govuk/ (docs/adr/0003).

Nothing built is committed: `make install` runs this after `npm ci`.

- The stylesheet is compiled from GOV.UK Frontend's Sass (scripts/frontend/) with Arial
  instead of the GDS Transport typeface and with none of GOV.UK's images: apcase is not a
  GOV.UK service, so it may use neither. No font or image file is copied.
- The JavaScript (an ES module, loaded by apcase/static/apcase/init.mjs) is copied as is,
  without its source-map comment since the map is not shipped."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
SOURCE = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
SASS = NODE_MODULES / ".bin" / "sass"
ENTRY = ROOT / "scripts" / "frontend" / "govuk-frontend.scss"
TARGET = ROOT / "apcase" / "static" / "govuk"


def main() -> int:
    if not SOURCE.is_dir() or not SASS.exists():
        print(
            f"GOV.UK Frontend or sass not found under {NODE_MODULES}; run `npm ci` first.",
            file=sys.stderr,
        )
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [
            str(SASS),
            f"--load-path={NODE_MODULES}",
            "--style=compressed",
            "--no-source-map",
            "--quiet-deps",
            str(ENTRY),
            str(TARGET / "govuk-frontend.min.css"),
        ],
        check=True,
        cwd=ROOT,
    )
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = js.split("//# sourceMappingURL")[0]
    (TARGET / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
    print(f"Built GOV.UK Frontend (Arial, no GOV.UK branding) into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
