"""Where keys come from: the environment, a key file, or one generated for the demo."""

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from qamqor.vault.keys import DEFAULT_KEY_FILE_NAME, Key, Keyring, load_keyring, new_key_text


def test_keys_from_the_environment_first_one_encrypts(tmp_path: Path):
    first, second = new_key_text(), new_key_text()
    ring = load_keyring({"QAMQOR_ENCRYPTION_KEYS": f" {first} , {second} "}, tmp_path)
    assert ring.key_ids == [Key.from_text(first).key_id, Key.from_text(second).key_id]
    assert ring.primary.key_id == Key.from_text(first).key_id
    assert not (tmp_path / DEFAULT_KEY_FILE_NAME).exists()


def test_keys_without_base64_padding_are_accepted(tmp_path: Path):
    text = new_key_text().rstrip("=")
    assert load_keyring({"QAMQOR_ENCRYPTION_KEYS": text}, tmp_path).primary


def test_a_key_file_one_key_a_line_comments_allowed(tmp_path: Path):
    first, second = new_key_text(), new_key_text()
    path = tmp_path / "keys"
    path.write_text(f"# new key\n{first}\n\n{second}  # retiring\n")
    ring = load_keyring({"QAMQOR_ENCRYPTION_KEY_FILE": str(path)}, tmp_path)
    assert ring.key_ids == [Key.from_text(first).key_id, Key.from_text(second).key_id]
    assert ring.path == path


def test_a_named_key_file_that_is_missing_is_an_error_not_a_new_key(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        load_keyring({"QAMQOR_ENCRYPTION_KEY_FILE": str(tmp_path / "typo")}, tmp_path)
    assert not (tmp_path / "typo").exists()


def test_the_embedded_database_gets_a_key_generated_once_owner_only(tmp_path: Path):
    ring = load_keyring({}, tmp_path)
    path = tmp_path / DEFAULT_KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring({}, tmp_path).key_ids == ring.key_ids  # read again, not regenerated
    assert [p.name for p in tmp_path.iterdir()] == [DEFAULT_KEY_FILE_NAME]  # no temporary left


def test_a_server_database_without_a_key_is_a_clear_error(tmp_path: Path):
    environ = {"QAMQOR_DATABASE_URL": "postgres://qamqor@db/qamqor"}
    with pytest.raises(ImproperlyConfigured, match="no encryption key.*QAMQOR_ENCRYPTION_KEYS"):
        load_keyring(environ, tmp_path)
    assert not (tmp_path / DEFAULT_KEY_FILE_NAME).exists()


def test_a_server_database_reads_the_default_key_file_when_there_is_one(tmp_path: Path):
    text = new_key_text()
    (tmp_path / DEFAULT_KEY_FILE_NAME).write_text(text + "\n")
    environ = {"QAMQOR_DATABASE_URL": "postgres://qamqor@db/qamqor"}
    assert load_keyring(environ, tmp_path).primary.key_id == Key.from_text(text).key_id


@pytest.mark.parametrize(
    "value", ["not base64 at all!", "c2hvcnQ=", new_key_text() + new_key_text()]
)
def test_a_malformed_key_is_an_error_that_does_not_echo_it(tmp_path: Path, value: str):
    with pytest.raises(ImproperlyConfigured, match="key 2 in QAMQOR_ENCRYPTION_KEYS") as caught:
        load_keyring({"QAMQOR_ENCRYPTION_KEYS": f"{new_key_text()},{value}"}, tmp_path)
    assert value not in str(caught.value)


def test_the_same_key_twice_is_an_error(tmp_path: Path):
    text = new_key_text()
    with pytest.raises(ImproperlyConfigured, match="same key twice"):
        load_keyring({"QAMQOR_ENCRYPTION_KEYS": f"{text},{text}"}, tmp_path)


def test_an_empty_keyring_is_an_error():
    with pytest.raises(ImproperlyConfigured):
        Keyring([])


def test_key_ids_differ_by_key_and_a_key_never_shows_in_its_repr():
    one, two = Key.from_text(new_key_text()), Key.from_text(new_key_text())
    assert one.key_id != two.key_id and len(one.key_id) == 8
    assert one.index_key != two.index_key
    assert repr(one) == f"Key(key_id='{one.key_id}')"
