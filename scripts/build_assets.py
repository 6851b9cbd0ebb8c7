"""Copy GOV.UK Frontend's compiled files from node_modules into apcase/static/govuk/.

Nothing built is committed: `make install` runs this after `npm ci`. The stylesheet
refers to its fonts and images as /assets/...; they are rewritten to paths relative to
the stylesheet so they resolve under STATIC_URL (and through whitenoise's manifest)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = ROOT / "apcase" / "static" / "govuk"


def main() -> int:
    if not SOURCE.is_dir():
        print(f"GOV.UK Frontend not found at {SOURCE}; run `npm ci` first.", file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    shutil.copytree(SOURCE / "assets", TARGET / "assets")
    css = (SOURCE / "govuk-frontend.min.css").read_text(encoding="utf-8")
    css = css.replace("url(/assets/", "url(assets/")
    # Drop the source-map comment: the map is not shipped.
    css = css.split("/*# sourceMappingURL")[0]
    (TARGET / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = js.split("//# sourceMappingURL")[0]
    (TARGET / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
    print(f"Copied GOV.UK Frontend into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
