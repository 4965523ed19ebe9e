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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .agent.units import DEFAULT_TZ

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
    """Where new accounts get funded; on the local network `<rpc_url>/friendbot` unless set."""
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
    timezone: str = DEFAULT_TZ
    """The community's time zone: households read slots as clock times in it."""

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


TABLES: dict[str, tuple[str, ...]] = {
    "network": ("name", "rpc_url", "passphrase", "friendbot_url"),
    "data": ("dir", "keystore", "operator_key"),
    "contracts": CONTRACT_NAMES,
    "mqtt": ("host", "port", "community", "username", "ca_file"),
    "api": ("host", "port"),
    "market": ("mechanism", "grid_tariff", "timezone"),
}
"""Every table and key the config file may hold; anything else is refused as a typo."""


def friendbot_for(network: str, rpc_url: str | None) -> str | None:
    """The friendbot a network has when none is configured: the local network serves it on
    the RPC's own host and port (`<rpc_url>/friendbot`), testnet at SDF's address, others
    have none."""
    if network == "local":
        return f"{rpc_url.rstrip('/')}/friendbot" if rpc_url else None
    return PRESETS[network].friendbot_url


def _check_keys(doc: dict, file: Path) -> None:
    """Refuses unknown tables and keys, naming them and what is allowed."""
    for table, body in doc.items():
        if table not in TABLES:
            raise ConfigError(f"{file}: unknown table [{table}]; expected one of {sorted(TABLES)}")
        if not isinstance(body, dict):
            raise ConfigError(f"{file}: [{table}] must be a table")
        for key in body:
            if key not in TABLES[table]:
                raise ConfigError(
                    f"{file}: unknown key [{table}].{key}; "
                    f"[{table}] takes {', '.join(TABLES[table])}"
                )


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a non-empty string, not {value!r}")
    return value


def _int(value, where: str, lo: int, hi: int | None = None) -> int:
    """An integer setting in [lo, hi]; environment values arrive as text."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ConfigError(f"{where} must be an integer, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where} must be an integer, not {value!r}")
    if value < lo or (hi is not None and value > hi):
        span = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        raise ConfigError(f"{where} must be in {span}, not {value}")
    return value


def load(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Config:
    """Builds the Config from a preset, the TOML file and the environment, checking every
    setting: an unknown table or key, a wrong type or a value out of range is an error naming
    the setting (or the environment variable) it came from."""
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
        _check_keys(doc, file)

    net = doc.get("network", {})
    name = env.get("URJA_NETWORK") or net.get("name") or "local"
    preset = _preset(name)
    data = doc.get("data", {})
    data_dir = Path(env.get("URJA_DATA_DIR") or _text(data.get("dir", ".urja"), "[data].dir"))
    contracts = doc.get("contracts", {})
    for k, v in contracts.items():
        _text(v, f"[contracts].{k}")
    for key in ("rpc_url", "passphrase", "friendbot_url"):
        if key in net:
            _text(net[key], f"[network].{key}")
    rpc_url = env.get("URJA_RPC_URL") or net.get("rpc_url") or preset.rpc_url
    if rpc_url and not rpc_url.startswith(("http://", "https://")):
        raise ConfigError(f"[network].rpc_url must be an http(s) URL, not {rpc_url!r}")
    cfg = Config(
        network=name,
        rpc_url=rpc_url,
        passphrase=(
            env.get("URJA_NETWORK_PASSPHRASE") or net.get("passphrase") or preset.passphrase
        ),
        friendbot_url=(
            env.get("URJA_FRIENDBOT_URL")
            or net.get("friendbot_url")
            or friendbot_for(name, rpc_url)
        ),
        data_dir=data_dir,
        keystore=Path(
            env.get("URJA_KEYSTORE")
            or _text(data.get("keystore", str(data_dir / "keystore.json")), "[data].keystore")
        ),
        contracts={k: str(v) for k, v in contracts.items()},
        source=file,
        operator_key=env.get("URJA_OPERATOR_KEY")
        or _text(data.get("operator_key", "operator"), "[data].operator_key"),
        **_services(doc, env),
    )
    if name != "local" and not cfg.passphrase:
        raise ConfigError(f"network {name!r} needs a passphrase: set [network].passphrase")
    return cfg


def _services(doc: dict, env: dict[str, str]) -> dict:
    """Settings of the long-running services: [mqtt], [api] and [market], each checked."""
    from .clearing import MECHANISMS

    mqtt, api, market = (doc.get(k, {}) for k in ("mqtt", "api", "market"))

    def port(env_name: str, table: dict, where: str, default: int) -> int:
        if env.get(env_name):
            return _int(env[env_name], f"${env_name} (overrides {where})", 1, 65535)
        return _int(table.get("port", default), where, 1, 65535)

    def opt_text(table: dict, key: str, where: str) -> str | None:
        return _text(table[key], where) if key in table else None

    mechanism = _text(market.get("mechanism", "uniform"), "[market].mechanism")
    if mechanism not in MECHANISMS:
        raise ConfigError(f"[market].mechanism {mechanism!r} is not one of {', '.join(MECHANISMS)}")
    return {
        "mqtt_host": env.get("URJA_MQTT_HOST")
        or _text(mqtt.get("host", "127.0.0.1"), "[mqtt].host"),
        "mqtt_port": port("URJA_MQTT_PORT", mqtt, "[mqtt].port", 1883),
        "mqtt_community": _text(mqtt.get("community", "urja"), "[mqtt].community"),
        "mqtt_username": env.get("URJA_MQTT_USERNAME")
        or opt_text(mqtt, "username", "[mqtt].username"),
        # A password lives in the environment, never in a file under version control.
        "mqtt_password": env.get("URJA_MQTT_PASSWORD"),
        "mqtt_ca_file": opt_text(mqtt, "ca_file", "[mqtt].ca_file"),
        "api_host": _text(api.get("host", "127.0.0.1"), "[api].host"),
        "api_port": port("URJA_API_PORT", api, "[api].port", 8080),
        "mechanism": mechanism,
        "grid_tariff": _int(market.get("grid_tariff", 8), "[market].grid_tariff", 0),
        "timezone": _timezone(market.get("timezone", DEFAULT_TZ)),
    }


def _timezone(v) -> str:
    """`[market].timezone`, an IANA time zone name (e.g. Asia/Kolkata), checked."""
    name = _text(v, "[market].timezone")
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError(
            f"[market].timezone {name!r} is not a known time zone (e.g. Asia/Kolkata)"
        ) from None
    return name


def with_contracts(cfg: Config, ids: dict[str, str]) -> Config:
    """A copy of `cfg` with more contract ids (after a deployment)."""
    return replace(cfg, contracts={**cfg.contracts, **ids})
