"""Configuration resolution and the keystore's safety rules."""

import json
import os
import stat

import pytest

from urja import config
from urja.keystore import Keystore, KeystoreError


def test_presets_and_env_override(tmp_path):
    cfg = config.load(env={})
    assert cfg.network == "local" and cfg.rpc_url == "http://127.0.0.1:8000"
    f = tmp_path / "urja.toml"
    f.write_text('[network]\nname = "testnet"\n[contracts]\nmarket = "CABC"\n')
    cfg = config.load(f, env={})
    assert cfg.passphrase == "Test SDF Network ; September 2015"
    assert cfg.contract("market") == "CABC"
    cfg = config.load(f, env={"URJA_RPC_URL": "http://rpc.example:8000"})
    assert cfg.rpc_url == "http://rpc.example:8000"


def test_config_errors_name_the_problem(tmp_path):
    with pytest.raises(config.ConfigError, match="unknown network 'moon'"):
        config.load(env={"URJA_NETWORK": "moon"})
    f = tmp_path / "bad.toml"
    f.write_text("[network\n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(f, env={})
    f.write_text('[contracts]\nmarkt = "C"\n')
    with pytest.raises(config.ConfigError, match="markt"):
        config.load(f, env={})
    with pytest.raises(config.ConfigError, match="needs a passphrase"):
        config.load(env={"URJA_NETWORK": "custom", "URJA_RPC_URL": "http://x"})
    with pytest.raises(config.ConfigError, match="no RPC URL"):
        config.load(env={"URJA_NETWORK": "mainnet"}).require_rpc()
    with pytest.raises(config.ConfigError, match="urja deploy"):
        config.load(env={}).contract("token")
    f.write_text('[market]\ntimezone = "Asia/Kolkatta"\n')
    with pytest.raises(config.ConfigError, match="timezone 'Asia/Kolkatta' is not a known"):
        config.load(f, env={})


def test_the_communitys_time_zone_is_configured_and_defaults_to_delhi(tmp_path):
    assert config.load(env={}).timezone == "Asia/Kolkata"
    f = tmp_path / "urja.toml"
    f.write_text('[market]\ntimezone = "Europe/Berlin"\n')
    assert config.load(f, env={}).timezone == "Europe/Berlin"


def test_keystore_roundtrip_and_permissions(tmp_path):
    ks = Keystore(tmp_path / "ks.json")
    kp = ks.add("operator")
    assert stat.S_IMODE(os.stat(ks.path).st_mode) == 0o600
    assert ks.get("operator").public_key == kp.public_key
    assert ks.public_keys() == {"operator": kp.public_key}
    assert kp.secret not in repr(ks.public_keys())
    with pytest.raises(KeystoreError, match="already exists"):
        ks.add("operator")
    with pytest.raises(KeystoreError, match="no key named 'nobody'"):
        ks.get("nobody")
    with pytest.raises(KeystoreError, match="not a valid"):
        ks.add("bad", "SNOTASEED")
    os.chmod(ks.path, 0o644)
    with pytest.raises(KeystoreError, match="chmod 600"):
        ks.get("operator")


def test_keystore_rejects_corrupt_file_without_touching_it(tmp_path):
    p = tmp_path / "ks.json"
    p.write_text("{not json")
    os.chmod(p, 0o600)
    with pytest.raises(KeystoreError, match="not valid JSON"):
        Keystore(p).add("x")
    assert p.read_text() == "{not json"


def test_listed_public_keys_match_stellar_sdk_and_bad_seeds_are_refused(tmp_path):
    """`urja keys list` derives public keys without stellar-sdk (PyNaCl and SEP-23); they
    equal the SDK's for random keys, and a damaged seed is refused by name."""
    from stellar_sdk import Keypair

    from urja.keystore import public_key_of

    for _ in range(20):
        kp = Keypair.random()
        assert public_key_of(kp.secret) == kp.public_key
    kp = Keypair.random()
    flipped = kp.secret[:-1] + ("A" if kp.secret[-1] != "A" else "B")
    for bad in (flipped, kp.public_key, "S" + "A" * 55, "not base32!"):
        with pytest.raises(ValueError):
            public_key_of(bad)
    ks = Keystore(tmp_path / "ks.json")
    ks.add("alice", kp.secret)
    assert ks.public_keys() == {"alice": kp.public_key}
    (tmp_path / "ks.json").write_text(json.dumps({"bob": flipped}))
    with pytest.raises(KeystoreError, match="'bob' is not a valid S... seed"):
        ks.public_keys()
