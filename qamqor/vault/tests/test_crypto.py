"""Authenticated encryption of values: round trip, refusal of anything altered or foreign."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qamqor.vault.crypto import (
    PAD_BLOCK,
    VaultError,
    blind_index,
    blind_index_candidates,
    decrypt,
    encrypt,
    key_id_of,
    keyed_hash,
)
from qamqor.vault.keys import installed

from .helpers import FIRST, SECOND, STRANGER, ring

SURNAME = "registry.person.surname"
KAZAKH = "Сәрсенбаева Әйгерім Ғалымқызы, Өскемен, Қонаев көшесі, Ұлытау, Үшқоңыр, Һ, І"


def test_round_trip_keeps_every_kazakh_letter():
    token = encrypt(SURNAME, KAZAKH)
    assert decrypt(SURNAME, token) == KAZAKH


@given(st.text(min_size=1))
def test_round_trip_of_any_text(text: str):
    assert decrypt(SURNAME, encrypt(SURNAME, text)) == text


def test_the_format_names_version_and_key_and_hides_the_text():
    token = encrypt(SURNAME, "Иванова")
    version, key_id, body = token.split(":", 2)
    assert (version, key_id) == ("v1", FIRST.key_id)
    assert "Иванова" not in token and "Ivanova" not in token
    assert token.isascii()
    assert key_id_of(token) == FIRST.key_id


def test_the_same_value_encrypts_differently_each_time():
    assert encrypt(SURNAME, "Иванова") != encrypt(SURNAME, "Иванова")


def test_length_shows_only_to_within_a_block():
    assert len(encrypt(SURNAME, "Ким")) == len(encrypt(SURNAME, "Ахметов"))  # 6, 14 bytes
    short, long = encrypt(SURNAME, "a"), encrypt(SURNAME, "a" * (PAD_BLOCK + 1))
    assert len(short) < len(long)


def _flip(token: str, position: int) -> str:
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    return f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


@pytest.mark.parametrize("position", [0, 11, 12, 20, -1])  # nonce, ciphertext, tag
def test_a_changed_byte_is_refused_not_decrypted(position: int):
    token = encrypt(SURNAME, "Нұрсұлтан")
    with pytest.raises(VaultError, match="does not authenticate"):
        decrypt(SURNAME, _flip(token, position))


def test_a_truncated_ciphertext_is_refused():
    token = encrypt(SURNAME, "Нұрсұлтан")
    with pytest.raises(VaultError, match="does not authenticate"):
        decrypt(SURNAME, token[:-4])


def test_a_ciphertext_moved_to_another_field_is_refused():
    token = encrypt("registry.person.iin", "900101400003")
    with pytest.raises(VaultError, match=r"registry\.person\.surname.*copied from another field"):
        decrypt(SURNAME, token)


def test_a_key_the_keyring_lacks_is_named_in_the_error():
    with installed(ring(STRANGER)):
        token = encrypt(SURNAME, "Иванова")
    with pytest.raises(VaultError, match=f"key {STRANGER.key_id}, which is not in the keyring"):
        decrypt(SURNAME, token)


def test_a_wrong_key_under_a_known_id_is_refused():
    # The same key id with another key behind it: only a forged or corrupt keyring.
    token = encrypt(SURNAME, "Иванова", SECOND).replace(SECOND.key_id, FIRST.key_id, 1)
    with pytest.raises(VaultError, match="does not authenticate"):
        decrypt(SURNAME, token)


def test_plaintext_in_an_encrypted_column_is_refused():
    with pytest.raises(VaultError, match="not a Qamqor ciphertext"):
        decrypt(SURNAME, "Иванова")


def test_every_key_of_the_keyring_decrypts_and_the_first_encrypts():
    old = encrypt(SURNAME, "Иванова")
    with installed(ring(SECOND, FIRST)):
        assert decrypt(SURNAME, old) == "Иванова"
        assert key_id_of(encrypt(SURNAME, "Иванова")) == SECOND.key_id


def test_blind_index_is_keyed_per_field_and_normalised():
    iin = "registry.person.iin"
    assert blind_index(iin, "900101400003") == blind_index(iin, " 9001 0140 0003 ")
    assert blind_index(iin, "900101400003") != blind_index("registry.identitydocument.number",
                                                          "900101400003")  # fmt: skip
    assert blind_index(iin, "900101400003", SECOND) != blind_index(iin, "900101400003")
    assert blind_index(iin, "") == "" and blind_index(iin, " - ") == ""
    number = "registry.identitydocument.number"
    assert blind_index(number, "N 0123-4567") == blind_index(number, "n01234567")


def test_candidates_cover_every_key():
    with installed(ring(SECOND, FIRST)):
        candidates = blind_index_candidates("registry.person.iin", "900101400003")
    assert candidates == [
        blind_index("registry.person.iin", "900101400003", SECOND),
        blind_index("registry.person.iin", "900101400003", FIRST),
    ]


def test_keyed_hash_shows_neither_the_value_nor_the_key():
    hashed = keyed_hash("registry.namekey.key", "nursultan")
    key_id, digest = hashed.split(":")
    assert key_id == FIRST.key_id and len(digest) == 32
    assert "nursultan" not in hashed
