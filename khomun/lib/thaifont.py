"""Sarabun for the PDFs we make (reports, letters), embedded so they show and
extract Thai on any machine with no system font.

The TTF files come from the `fontpkg_sarabun` package. Sarabun 11 pt is about the
size of the TH Sarabun 16 pt that official letters use.

SARA AM (ำ): HarfBuzz splits it into NIKHAHIT + SARA AA, and WeasyPrint maps each
glyph to one text, so the SARA AA glyph would extract as า ("ประจาปี"). We serve a
copy of the font with one more `ccmp` ligature that joins the two back into the
font's own ำ glyph, which then extracts as ำ. (After a tone mark, as in น้ำ, the
two are not adjacent and the text still extracts as ้า.)
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import fontpkg_sarabun
from fontTools.otlLib.builder import (  # type: ignore[import-untyped]
    buildLigatureSubstSubtable,
    buildLookup,
)
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(fontpkg_sarabun.__file__).parent / "files"
CACHE_DIR = Path(tempfile.gettempdir()) / "khomun-fonts"


def font_urls() -> dict[str, str]:
    return {
        "regular": thai_font("Sarabun-Regular.ttf").as_uri(),
        "bold": thai_font("Sarabun-Bold.ttf").as_uri(),
    }


@cache
def thai_font(name: str) -> Path:
    """The Sarabun file with NIKHAHIT + SARA AA joined back into SARA AM (see above)."""
    out = CACHE_DIR / name.replace(".ttf", "-khomun.ttf")
    if out.exists():
        return out
    font = TTFont(FONT_DIR / name)
    gsub = font["GSUB"].table
    lookup = buildLookup([buildLigatureSubstSubtable({("uni0E4D", "uni0E32"): "uni0E33"})])
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(gsub.LookupList.LookupCount - 1)
            record.Feature.LookupCount += 1
    CACHE_DIR.mkdir(exist_ok=True)
    partial = out.with_suffix(f".{id(font)}.tmp")
    font.save(partial)
    partial.replace(out)  # atomic: a parallel test never reads half a file
    return out
