"""The audit pages' own catalogues (qamqor/audit/locale): complete and compiled."""

from pathlib import Path

import polib
import pytest

from qamqor.web.management.commands.compile_translations import compile_catalogue

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_committed_catalogue_is_compiled_from_its_po_file(language):
    po_path = catalogue_path(language)
    assert po_path.with_suffix(".mo").read_bytes() == compile_catalogue(po_path)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_catalogue_is_complete(language):
    catalogue = polib.pofile(str(catalogue_path(language)))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries()
