"""The web app in Debian's Chromium against the real stack: local network, the operator's
services and the read API serving the built app (web/e2e/fullstack.mjs drives the browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
import requests

from urja.broker import free_port

from ..localnet.conftest import ROOT
from ..services.conftest import community  # noqa: F401 - the shared community fixture

WEB = ROOT / "web"
READY = (WEB / "dist" / "index.html").exists() and (
    WEB / "node_modules" / "playwright-core"
).exists()
CHROMIUM = os.path.exists("/usr/bin/chromium")


@pytest.mark.skipif(
    not (READY and CHROMIUM) and not os.environ.get("CI"),
    reason="needs the built web app (scripts/test-web.sh) and /usr/bin/chromium",
)
def test_households_trade_in_the_browser(community, tmp_path):  # noqa: F811
    c = community
    port = free_port()
    log = open(tmp_path / "api.log", "wb")
    api = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "urja.cli",
            "--config",
            str(c.config),
            "api",
            "--web",
            str(WEB / "dist"),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=log,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/api/status", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        artifacts = ROOT / "web" / "e2e" / "artifacts"
        shutil.rmtree(artifacts, ignore_errors=True)
        env = {
            **os.environ,
            "APP_URL": url,
            "ADMIN_CMD": f"{sys.executable} -m urja.cli --config {c.config}",
            "ARTIFACTS": str(artifacts),
            "WORK": str(tmp_path),
        }
        r = subprocess.run(
            ["node", "e2e/fullstack.mjs"],
            cwd=WEB,
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert r.returncode == 0, r.stdout + r.stderr + (tmp_path / "api.log").read_text()
        assert "full-stack browser test passed" in r.stdout
        shots = {p.name for p in artifacts.glob("*.png")}
        for view in (
            "donor-meter-pending-desktop",
            "donor-accept-fee-desktop",
            "receiver-bid-fee-375",
            "donor-withdrawn-desktop",
            "receiver-withdrawn-375",
            "market-desktop",
            "market-375",
            "donor-delivered-desktop",
            "receiver-received-375",
            "history-375",
            "history-desktop",
        ):
            assert f"{view}.png" in shots
    finally:
        api.terminate()
        api.wait(10)
