"""Copy the front-end files the site serves from site/node_modules into site/static/vendor.

Run by `make install` after `npm ci`; rooms add their players (H5P, SCORM) to FILES.
Fonts: only the script subsets the Latin system fonts lack, at weights 400 and 700, each
with its unicode-range so that a phone downloads a font only for a script on the page.
"""

import json
import shutil
from pathlib import Path

SITE = Path(__file__).resolve().parent
MODULES = SITE / "node_modules"
VENDOR = SITE / "static" / "vendor"

# (package folder, files or folders inside it, destination folder under vendor/)
FILES: list[tuple[str, list[str], str]] = [
    ("axe-core", ["axe.min.js"], "axe"),
    (
        "h5p-standalone/dist",
        ["main.bundle.js", "frame.bundle.js", "styles", "fonts", "images"],
        "h5p-standalone",
    ),
    (
        "scorm-again/dist",
        ["scorm12.min.js", "scorm2004.min.js", "cross-frame-api.min.js"],
        "scorm-again",
    ),
]

FONTS = [
    ("noto-sans-khmer", "khmer", "Noto Sans Khmer"),
    ("noto-sans-bengali", "bengali", "Noto Sans Bengali"),
    ("noto-sans-ethiopic", "ethiopic", "Noto Sans Ethiopic"),
    ("noto-naskh-arabic", "arabic", "Noto Naskh Arabic"),
]


def copy_files():
    for package, names, destination in FILES:
        target = VENDOR / destination
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            source = MODULES / package / name
            if source.is_dir():
                shutil.copytree(source, target / Path(name).name, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / Path(name).name)
                # A minified file names its source map: collectstatic's manifest storage
                # refuses to finish (in production too) when that file is missing.
                source_map = source.with_name(f"{source.name}.map")
                if source_map.exists():
                    shutil.copy2(source_map, target / source_map.name)


def copy_fonts():
    target = VENDOR / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    rules = []
    for package, subset, family in FONTS:
        folder = MODULES / "@fontsource" / package
        unicode_range = json.loads((folder / "unicode.json").read_text())[subset]
        for weight in (400, 700):
            filename = f"{package}-{subset}-{weight}-normal.woff2"
            local_name = family if weight == 400 else f"{family} Bold"
            shutil.copy2(folder / "files" / filename, target / filename)
            rules.append(
                "@font-face{"
                f"font-family:'{family}';font-style:normal;font-display:swap;"
                # A phone that has the font (Android ships Noto) downloads nothing.
                f"font-weight:{weight};src:local('{local_name}'),"
                f"url(fonts/{filename}) format('woff2');"
                f"unicode-range:{unicode_range}}}"
            )
    (VENDOR / "fonts.css").write_text("\n".join(rules) + "\n")


if __name__ == "__main__":
    copy_files()
    copy_fonts()
