"""Secret keys of the operator, the relayer and local households, kept out of logs.

The keystore is a JSON file `{name: secret_seed}` readable only by its owner (mode 0600), like
an ssh key: a file that others can read is refused. Secrets are returned as
`stellar_sdk.Keypair` objects and never printed; listing shows public keys only, derived with
PyNaCl and the SEP-23 key encoding so that `urja keys list` starts without stellar-sdk. Writes
go through a temporary file and an atomic rename, so a crash never leaves a half-written store.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # stellar-sdk is imported when a keypair is needed, not to list keys
    from stellar_sdk import Keypair

_ACCOUNT_ID = 6 << 3
"""SEP-23 version byte of an ed25519 public key (G...)."""
_SECRET_SEED = 18 << 3
"""SEP-23 version byte of an ed25519 secret seed (S...)."""


class KeystoreError(ValueError):
    """The keystore is unsafe, malformed, or lacks the named key."""


def _strkey(version: int, payload: bytes) -> str:
    """SEP-23 text: base32 of version byte, payload and CRC16-XModem (little-endian)."""
    body = bytes([version]) + payload
    return base64.b32encode(body + binascii.crc_hqx(body, 0).to_bytes(2, "little")).decode()


def _unstrkey(version: int, text: str) -> bytes:
    """The payload of SEP-23 text of `version`; ValueError when malformed."""
    try:
        raw = base64.b32decode(text)
    except (binascii.Error, ValueError):
        raise ValueError("not base32") from None
    body, crc = raw[:-2], raw[-2:]
    if (
        len(raw) != 35
        or raw[0] != version
        or binascii.crc_hqx(body, 0).to_bytes(2, "little") != crc
    ):
        raise ValueError("wrong version, length or checksum")
    return body[1:]


def public_key_of(secret: str) -> str:
    """The public key (G...) of secret seed `secret` (S...); ValueError for a bad seed."""
    from nacl.signing import SigningKey

    seed = _unstrkey(_SECRET_SEED, secret)
    return _strkey(_ACCOUNT_ID, bytes(SigningKey(seed).verify_key))


def _keypair(secret: str) -> Keypair:
    from stellar_sdk import Keypair

    return Keypair.from_secret(secret)


class Keystore:
    """Named Stellar keypairs stored in one owner-only JSON file."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise KeystoreError(
                f"keystore {self.path} is readable by others (mode {mode:o}); "
                f"run `chmod 600 {self.path}`"
            )
        try:
            doc = json.loads(self.path.read_text())
        except json.JSONDecodeError as e:
            raise KeystoreError(f"keystore {self.path} is not valid JSON: {e}") from None
        if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
            raise KeystoreError(f"keystore {self.path} must map names to secret seeds")
        return doc

    def _write(self, doc: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keystore-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def names(self) -> list[str]:
        """The stored key names, sorted."""
        return sorted(self._read())

    def public_keys(self) -> dict[str, str]:
        """Name to public key (G...), safe to print."""
        out = {}
        for n, secret in sorted(self._read().items()):
            try:
                out[n] = public_key_of(secret)
            except ValueError:
                raise KeystoreError(
                    f"keystore {self.path}: {n!r} is not a valid S... seed"
                ) from None
        return out

    def get(self, name: str) -> Keypair:
        """The keypair stored under `name`."""
        doc = self._read()
        if name not in doc:
            raise KeystoreError(f"no key named {name!r} in {self.path}; known: {sorted(doc)}")
        return _keypair(doc[name])

    def add(self, name: str, secret: str | None = None, *, overwrite: bool = False) -> Keypair:
        """Stores `secret` (or a fresh random key) under `name` and returns the keypair."""
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise KeystoreError(f"invalid key name {name!r}: use letters, digits, - and _")
        doc = self._read()
        if name in doc and not overwrite:
            raise KeystoreError(f"a key named {name!r} already exists in {self.path}")
        from stellar_sdk import Keypair
        from stellar_sdk.exceptions import Ed25519SecretSeedInvalidError

        try:
            kp = Keypair.from_secret(secret) if secret is not None else Keypair.random()
        except (Ed25519SecretSeedInvalidError, ValueError):
            raise KeystoreError(f"the secret given for {name!r} is not a valid S... seed") from None
        doc[name] = kp.secret
        self._write(doc)
        return kp

    def get_or_create(self, name: str) -> Keypair:
        """The keypair under `name`, creating a random one the first time."""
        doc = self._read()
        return _keypair(doc[name]) if name in doc else self.add(name)
