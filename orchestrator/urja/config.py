"""Where Urja talks to: network, contract ids and data paths, from TOML plus environment.

One `Config` serves every command and service, so the same code runs against the embedded
local network, testnet, mainnet or any custom RPC: only the URL and passphrase change.

Resolution order (later wins): built-in network preset < TOML file < environment variables.
The TOML file is `--config PATH`, else `$URJA_CONFIG`, else `./urja.toml` if it exists.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

CONTRACT_NAMES = ("token", "registry", "market", "verifier", "governance", "payment")
"""Contract ids a deployment records: Urja's five contracts and the payment asset's SAC."""


class ConfigError(ValueError):
    """The configuration is missing something or names something unknown."""


@dataclass(frozen=True)
class NetworkPreset:
    """Defaults for a named Stellar network."""

    rpc_url: str | None
    passphrase: str | None
    friendbot_url: str | None


PRESETS: dict[str, NetworkPreset] = {
    # The local network prints its own passphrase through getNetwork; None means "ask it".
    "local": NetworkPreset("http://127.0.0.1:8000", None, "http://127.0.0.1:8000/friendbot"),
    "testnet": NetworkPreset(
        "https://soroban-testnet.stellar.org",
        "Test SDF Network ; September 2015",
        "https://friendbot.stellar.org",
    ),
    # Mainnet has no official public RPC: the operator must name a provider's URL.
    "mainnet": NetworkPreset(None, "Public Global Stellar Network ; September 2015", None),
    "custom": NetworkPreset(None, None, None),
}


@dataclass(frozen=True)
class Config:
    """Everything a command needs to reach the network and its own data."""

    network: str = "local"
    rpc_url: str | None = PRESETS["local"].rpc_url
    passphrase: str | None = None
    friendbot_url: str | None = PRESETS["local"].friendbot_url
    data_dir: Path = Path(".urja")
    keystore: Path = Path(".urja/keystore.json")
    contracts: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    operator_key: str = "operator"
    """Keystore name of the operator's key (settles, delivers, admits members)."""
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_community: str = "urja"
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    mqtt_ca_file: str | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    mechanism: str = "uniform"
    grid_tariff: int = 8
    """What the utility charges per Wh, in payment-token units (for households' savings)."""

    def contract(self, name: str) -> str:
        """The contract id recorded for `name` (config, else the deployment record), or a
        clear error saying how to get one."""
        if name not in CONTRACT_NAMES:
            raise ConfigError(f"unknown contract name {name!r}; expected one of {CONTRACT_NAMES}")
        try:
            return self.contracts[name]
        except KeyError:
            pass
        dep = self.deployment()
        try:
            if dep is None:
                raise KeyError(name)
            return dep.contracts[name]
        except KeyError:
            where = self.source or "the config file"
            raise ConfigError(
                f"no contract id for {name!r} in {where}; "
                f"run `urja deploy` or set [contracts].{name}"
            ) from None

    def deployment(self):
        """The deployment record in the data directory, if `urja deploy` wrote one."""
        from .deploy import DeployError, Deployment

        try:
            return Deployment.load(self.data_dir)
        except DeployError as e:
            raise ConfigError(str(e)) from None

    def require_rpc(self) -> str:
        """The RPC URL, or an error naming the setting to fill in."""
        if not self.rpc_url:
            raise ConfigError(
                f"network {self.network!r} has no RPC URL: set [network].rpc_url or URJA_RPC_URL"
            )
        return self.rpc_url


def _preset(name: str) -> NetworkPreset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown network {name!r}; expected one of {sorted(PRESETS)}") from None


def load(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Config:
    """Builds the Config from a preset, the TOML file and the environment."""
    env = dict(os.environ) if env is None else env
    file = Path(path) if path else (Path(env["URJA_CONFIG"]) if env.get("URJA_CONFIG") else None)
    if file is None and Path("urja.toml").exists():
        file = Path("urja.toml")
    doc: dict = {}
    if file is not None:
        try:
            doc = tomllib.loads(file.read_text())
        except FileNotFoundError:
            raise ConfigError(f"config file {file} does not exist") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"config file {file} is not valid TOML: {e}") from None

    net = doc.get("network", {})
    if not isinstance(net, dict):
        raise ConfigError("[network] must be a table")
    name = env.get("URJA_NETWORK") or net.get("name") or "local"
    preset = _preset(name)
    data = doc.get("data", {})
    data_dir = Path(env.get("URJA_DATA_DIR") or data.get("dir") or ".urja")
    contracts = doc.get("contracts", {})
    unknown = sorted(set(contracts) - set(CONTRACT_NAMES))
    if unknown:
        raise ConfigError(f"[contracts] has unknown names {unknown}; expected {CONTRACT_NAMES}")

    cfg = Config(
        network=name,
        rpc_url=env.get("URJA_RPC_URL") or net.get("rpc_url") or preset.rpc_url,
        passphrase=(
            env.get("URJA_NETWORK_PASSPHRASE") or net.get("passphrase") or preset.passphrase
        ),
        friendbot_url=(
            env.get("URJA_FRIENDBOT_URL") or net.get("friendbot_url") or preset.friendbot_url
        ),
        data_dir=data_dir,
        keystore=Path(
            env.get("URJA_KEYSTORE") or data.get("keystore") or data_dir / "keystore.json"
        ),
        contracts={k: str(v) for k, v in contracts.items()},
        source=file,
        operator_key=env.get("URJA_OPERATOR_KEY") or data.get("operator_key") or "operator",
        **_services(doc, env),
    )
    if name != "local" and not cfg.passphrase:
        raise ConfigError(f"network {name!r} needs a passphrase: set [network].passphrase")
    return cfg


def _services(doc: dict, env: dict[str, str]) -> dict:
    """Settings of the long-running services: [mqtt], [api] and [market]."""
    mqtt, api, market = (doc.get(k, {}) for k in ("mqtt", "api", "market"))
    for name, t in (("mqtt", mqtt), ("api", api), ("market", market)):
        if not isinstance(t, dict):
            raise ConfigError(f"[{name}] must be a table")
    try:
        return {
            "mqtt_host": env.get("URJA_MQTT_HOST") or mqtt.get("host", "127.0.0.1"),
            "mqtt_port": int(env.get("URJA_MQTT_PORT") or mqtt.get("port", 1883)),
            "mqtt_community": mqtt.get("community", "urja"),
            "mqtt_username": env.get("URJA_MQTT_USERNAME") or mqtt.get("username"),
            # A password lives in the environment, never in a file under version control.
            "mqtt_password": env.get("URJA_MQTT_PASSWORD"),
            "mqtt_ca_file": mqtt.get("ca_file"),
            "api_host": api.get("host", "127.0.0.1"),
            "api_port": int(env.get("URJA_API_PORT") or api.get("port", 8080)),
            "mechanism": market.get("mechanism", "uniform"),
            "grid_tariff": int(market.get("grid_tariff", 8)),
        }
    except (TypeError, ValueError) as e:
        raise ConfigError(f"a port or tariff in the config is not an integer: {e}") from None


def with_contracts(cfg: Config, ids: dict[str, str]) -> Config:
    """A copy of `cfg` with more contract ids (after a deployment)."""
    return replace(cfg, contracts={**cfg.contracts, **ids})
