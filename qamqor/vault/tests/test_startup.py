"""A wrong or missing key stops Qamqor at start-up with a message naming the key."""

import importlib
import io
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from qamqor.vault import checks as vault_checks
from qamqor.vault.checks import check_encryption_keys
from qamqor.vault.crypto import encrypt
from qamqor.vault.keycheck import CHECK_IDENTITY, key_problems, verify_at_startup
from qamqor.vault.keys import installed
from qamqor.vault.models import KeyCheck

from .helpers import FIRST, SECOND, STRANGER, ring


def test_the_first_key_is_on_record_after_migrate():
    row = KeyCheck.objects.get()
    assert row.key_id == FIRST.key_id and row.retired_at is None
    assert FIRST.key_id not in row.check_value.split(":", 2)[2]
    assert key_problems() == []
    verify_at_startup()


def test_a_keyring_without_the_key_of_the_data_is_refused():
    with installed(ring(STRANGER)), pytest.raises(ImproperlyConfigured) as caught:
        verify_at_startup()
    message = str(caught.value)
    assert f"encrypted under key(s) {FIRST.key_id}" in message
    assert f"it has {STRANGER.key_id}" in message
    assert not KeyCheck.objects.filter(key_id=STRANGER.key_id).exists()


def test_a_first_key_that_does_not_decrypt_its_check_value_is_refused():
    # Stands for a key file edited by hand into another key of the same id.
    KeyCheck.objects.filter(key_id=FIRST.key_id).update(
        check_value=encrypt(CHECK_IDENTITY, "something else")
    )
    with pytest.raises(ImproperlyConfigured, match=f"first key {FIRST.key_id} does not decrypt"):
        verify_at_startup()


def test_a_new_first_key_is_recorded_at_start_and_the_old_one_still_required():
    with installed(ring(SECOND, FIRST)):
        verify_at_startup()
    assert set(KeyCheck.objects.values_list("key_id", flat=True)) == {FIRST.key_id, SECOND.key_id}
    with installed(ring(SECOND)):
        assert FIRST.key_id in key_problems()[0]


def test_the_system_check_reports_the_missing_key_when_the_database_is_checked():
    with installed(ring(STRANGER)):
        assert check_encryption_keys(databases=None) == []
        [error] = check_encryption_keys(databases=["default"])
    assert error.id == "vault.E002" and FIRST.key_id in error.msg


def test_the_system_check_reports_an_unconfigured_keyring(monkeypatch):
    def no_keys():  # type: ignore[no-untyped-def]
        raise ImproperlyConfigured("no encryption key: set QAMQOR_ENCRYPTION_KEYS")

    monkeypatch.setattr(vault_checks, "keyring", no_keys)
    [error] = check_encryption_keys()
    assert error.id == "vault.E001" and "QAMQOR_ENCRYPTION_KEYS" in error.msg


def test_the_system_check_warns_of_a_key_file_others_can_read(tmp_path):
    from qamqor.vault.keys import new_key_text, read_key_file

    path = tmp_path / "keys"
    path.write_text(new_key_text())
    path.chmod(0o644)
    with installed(read_key_file(path)):
        [warning] = check_encryption_keys()
    assert warning.id == "vault.W001"
    path.chmod(0o600)
    with installed(read_key_file(path)):
        assert check_encryption_keys() == []


def test_the_wsgi_application_refuses_to_load_with_a_wrong_key():
    sys.modules.pop("qamqor.wsgi", None)
    try:
        with installed(ring(STRANGER)), pytest.raises(ImproperlyConfigured, match=FIRST.key_id):
            importlib.import_module("qamqor.wsgi")
    finally:
        sys.modules.pop("qamqor.wsgi", None)
    assert importlib.import_module("qamqor.wsgi").application is not None


def test_serve_stops_before_starting_the_server_with_a_wrong_key():
    with installed(ring(STRANGER)), pytest.raises(CommandError, match=FIRST.key_id):
        call_command("serve", stdout=io.StringIO())


def test_new_encryption_key_prints_a_usable_key():
    out, err = io.StringIO(), io.StringIO()
    call_command("new_encryption_key", stdout=out, stderr=err)
    from qamqor.vault.keys import Key

    key = Key.from_text(out.getvalue().strip())
    assert f"key id {key.key_id}" in err.getvalue()
