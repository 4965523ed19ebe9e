"""Plain JSON-RPC requests to a Stellar RPC server, without the SDK.

Owns the few calls that need no transaction machinery (the network's passphrase, the
latest ledger, a ledger's hash, a node's status), so light commands such as `urja orders`
start without importing stellar-sdk. `urja.chain` builds on stellar-sdk for everything else
and re-exports `call`.
"""

from __future__ import annotations


class RpcError(ConnectionError):
    """The RPC server could not be reached, or answered the request with an error (then
    `refused` holds the server's error object); the message names the URL, the method and
    what went wrong."""

    def __init__(self, message: str, refused: object = None) -> None:
        super().__init__(message)
        self.refused = refused


def call(url: str, method: str, params: dict | None = None, timeout: float = 10) -> dict:
    """The `result` of JSON-RPC request `method` (with `params`) to the RPC server at `url`;
    RpcError when unreachable or answered with an error."""
    import requests

    body: dict = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        body["params"] = params
    try:
        answer = requests.post(url, json=body, timeout=timeout).json()
    except (requests.RequestException, ValueError) as e:
        raise RpcError(f"no Stellar RPC answering {method} at {url}: {e}") from None
    if not isinstance(answer, dict) or "result" not in answer:
        error = answer.get("error") if isinstance(answer, dict) else answer
        detail = error.get("message", error) if isinstance(error, dict) else error
        raise RpcError(f"{url} refused {method}: {detail}", refused=error or answer)
    return answer["result"]


def latest_ledger(url: str, timeout: float = 10) -> tuple[int, int]:
    """(sequence, close time) of the latest ledger the RPC server at `url` knows."""
    r = call(url, "getLatestLedger", timeout=timeout)
    try:
        return int(r["sequence"]), int(r["closeTime"])
    except (KeyError, TypeError, ValueError) as e:
        raise RpcError(f"{url} answered getLatestLedger without sequence/closeTime: {e}") from None
