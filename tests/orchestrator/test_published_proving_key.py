"""The delivery proving key is published with the deployment (issue 13, item 8): it holds no
secret, so anyone can prove a delivery, not only the operator."""

from __future__ import annotations

import stat

from urja import zk


def test_the_proving_key_is_written_readable_by_anyone_and_loads_back(tmp_path):
    key = zk.ProvingKey.setup(4)
    paths = zk.save_keys(key, tmp_path / "keys")
    mode = stat.S_IMODE(paths["pk"].stat().st_mode)
    assert mode & stat.S_IROTH and mode & stat.S_IRGRP, oct(mode)
    loaded = zk.load_proving_key(paths["pk"])
    assert loaded.vk_bytes() == key.vk_bytes() == paths["vk"].read_bytes()
