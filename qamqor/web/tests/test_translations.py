"""The interface in Kazakh, Russian and English."""

import polib
import pytest
from django.test import Client
from django.urls import reverse

from qamqor.conftest import signed_in
from qamqor.web.management.commands.compile_translations import catalogues, compile_catalogue


def test_committed_catalogues_are_compiled_from_their_po_files():
    found = catalogues()
    assert {p.parent.parent.name for p in found} == {"kk", "ru", "en"}
    for po_path in found:
        assert po_path.with_suffix(".mo").read_bytes() == compile_catalogue(po_path), po_path


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalogue_is_complete_and_keeps_placeholders(language):
    paths = [p for p in catalogues() if p.parent.parent.name == language]
    assert paths
    for po_path in paths:
        catalogue = polib.pofile(str(po_path))
        missing = [e.msgid for e in catalogue.untranslated_entries()]
        assert not missing, (po_path, missing)
        assert not catalogue.fuzzy_entries(), po_path


@pytest.mark.parametrize(
    ("language", "sign_in", "new_case"),
    [("kk", "Кіру", "Жаңа іс"), ("ru", "Войти", "Новое дело"), ("en", "Sign in", "New case")],
)
def test_language_switch(alice, language, sign_in, new_case):
    client = Client()
    response = client.post(reverse("set_language"), {"language": language, "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert f'<html lang="{language}">' in page and sign_in in page
    client = signed_in(alice, language)
    assert new_case in client.get(reverse("home")).content.decode()


def test_kazakh_case_file_and_intake(alice, case):
    client = signed_in(alice, "kk")
    intake = client.get(reverse("cases:intake")).content.decode()
    assert "Тегі" in intake  # surname
    detail = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "Хронология" in detail and "Жеке деректерді өзгерту" in detail
