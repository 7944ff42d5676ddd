"""Encrypted file storage: uploads are ciphertext on disk and plaintext when opened."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from qamqor.vault.crypto import VaultError
from qamqor.vault.keys import installed
from qamqor.vault.rotation import rotate
from qamqor.vault.storage import CHUNK_BYTES, HEADER_BYTES, EncryptedFileSystemStorage

from .helpers import FIRST, SECOND, STRANGER, ring

STATEMENT = "Заявление Сәрсенбаевой Әйгерім, ИИН 900101490009".encode()


@pytest.fixture
def storage(tmp_path: Path) -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage(location=str(tmp_path / "uploads"))


def test_a_saved_file_is_ciphertext_on_disk_and_plaintext_when_opened(storage):
    name = storage.save("statements/one.txt", ContentFile(STATEMENT))
    on_disk = Path(storage.path(name)).read_bytes()
    assert STATEMENT not in on_disk and "Сәрсенбаевой".encode() not in on_disk
    assert on_disk.startswith(b"QMQRF1" + FIRST.key_id.encode())
    with storage.open(name) as handle:
        assert handle.read() == STATEMENT
    assert storage.size(name) == len(STATEMENT)
    assert Path(storage.path(name)).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "length", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5]
)
def test_any_length_round_trips_and_reports_its_plaintext_size(storage, length: int):
    content = bytes(range(256)) * (length // 256 + 1)
    content = content[:length]
    name = storage.save("file.bin", SimpleUploadedFile("file.bin", content))
    assert storage.open(name).read() == content
    assert storage.size(name) == length


def test_text_content_is_stored_as_utf8(storage):
    name = storage.save("note.txt", ContentFile("Қонаев көшесі"))
    assert storage.open(name).read().decode() == "Қонаев көшесі"


def _tamper(storage, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = Path(storage.path(name))
    path.write_bytes(change(path.read_bytes()))


def test_a_changed_byte_is_refused(storage):
    name = storage.save("file.bin", ContentFile(b"x" * 1000))

    def flip(data: bytes) -> bytes:
        return (
            data[: HEADER_BYTES + 10]
            + bytes([data[HEADER_BYTES + 10] ^ 1])
            + data[HEADER_BYTES + 11 :]
        )

    _tamper(storage, name, flip)
    with pytest.raises(VaultError, match="does not authenticate"):
        storage.open(name)


def test_a_file_cut_after_a_whole_chunk_is_refused(storage):
    name = storage.save("file.bin", ContentFile(b"y" * (2 * CHUNK_BYTES + 100)))
    _tamper(storage, name, lambda data: data[: HEADER_BYTES + CHUNK_BYTES + 16])
    with pytest.raises(VaultError, match="does not authenticate"):
        storage.open(name)


def test_a_file_under_an_unknown_key_or_in_plaintext_is_refused(storage):
    with installed(ring(STRANGER)):
        name = storage.save("file.bin", ContentFile(b"z"))
    with pytest.raises(VaultError, match=f"key {STRANGER.key_id}"):
        storage.open(name)
    Path(storage.path("plain.txt")).write_bytes(b"plain")
    with pytest.raises(VaultError, match="not an encrypted Qamqor file"):
        storage.open("plain.txt")


def test_writing_through_open_is_refused(storage):
    name = storage.save("file.bin", ContentFile(b"z"))
    with pytest.raises(ValueError, match="save"):
        storage.open(name, "wb")


def test_rotation_reencrypts_stored_files(settings, tmp_path: Path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "qamqor.vault.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    storage = EncryptedFileSystemStorage(location=str(tmp_path / "media"))
    name = storage.save("a/statement.txt", ContentFile(STATEMENT))
    with installed(ring(SECOND, FIRST)):
        summary = rotate()
    assert summary.files == 1 and summary.retired == [FIRST.key_id]
    assert Path(storage.path(name)).read_bytes().startswith(b"QMQRF1" + SECOND.key_id.encode())
    with installed(ring(SECOND)):
        assert storage.open(name).read() == STATEMENT
    assert [p.name for p in (tmp_path / "media" / "a").iterdir()] == ["statement.txt"]
