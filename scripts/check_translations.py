"""Fails when a visible string has no English translation or the compiled .mo is stale."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
problems = []
for po_path in sorted(ROOT.glob("khomun/locale/*/LC_MESSAGES/*.po")):
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{po_path.name}: fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
            problems.append(f"{po_path.name}: untranslated plural: {entry.msgid!r}")
        elif not entry.msgid_plural and not entry.msgstr:
            problems.append(f"{po_path.name}: untranslated: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path} is missing: run `make messages`")
    else:
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        for entry in po.translated_entries():
            if entry.msgid_plural:
                continue
            if compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
                problems.append(f"{mo_path.name} is stale for {entry.msgid!r}: run `make messages`")
                break
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("translations complete")
