#!/usr/bin/env python3
"""The panel's sync API from Python, standard library only.

    VPS_SYNC_URL=http://localhost:5050 VPS_SYNC_API_KEY=... python3 vps_sync.py create \\
        --user-id 5 --name test-vps-01 --cpu 2 --ram-gb 2 --disk-gb 50 \\
        --os "Ubuntu 22.04 LTS" --hypervisor proxmox [--status creating] [--external-id order-42]
    python3 vps_sync.py status <id> running       (or: status --external-id order-42 running)
    python3 vps_sync.py delete <id>                (or: delete --external-id order-42)
    VPS_PANEL_TOKEN=<jwt> python3 vps_sync.py list [--token <jwt>]

Prints the server's JSON answer on stdout. On an HTTP error it prints the error answer on stderr
and exits 1 (2 for a usage error). Network errors, 429, and the error codes database_unavailable,
idempotency_key_in_use (the same Idempotency-Key still running) and internal are retried with exponential
backoff and full jitter, or after the server's Retry-After; every retry of one command sends the
same Idempotency-Key, so a create whose answer was lost is not applied twice.

With VPS_SYNC_SIGNING_SECRET set (the panel's whsec_... secret), every attempt of a sync request is
signed in the Standard Webhooks format: webhook-id, webhook-timestamp and webhook-signature, an
HMAC-SHA256 of "id.timestamp.body", with a new id and the current time on each attempt.
"""

import argparse
import base64
import email.utils
import hashlib
import hmac
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

MAX_ATTEMPTS = 5
BASE_DELAY_S = 0.2
MAX_DELAY_S = 10.0
TIMEOUT_S = 10.0


class HttpError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


# Error codes of the API (its "code" field) that a retry can get past.
RETRYABLE_CODES = {"database_unavailable", "idempotency_key_in_use", "internal"}


def retry_after_seconds(header):
    """Retry-After as seconds to wait: delta-seconds or an HTTP-date; None when absent or unreadable."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_seconds(retry):
    """Full jitter: uniform in [0, min(max, base * 2^(retry-1)))."""
    return random.uniform(0, min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (retry - 1)))


def signing_key():
    """The bytes of VPS_SYNC_SIGNING_SECRET (whsec_ + base64), or None when it is not set."""
    secret = os.environ.get("VPS_SYNC_SIGNING_SECRET")
    if not secret:
        return None
    if not secret.startswith("whsec_"):
        raise SystemExit("VPS_SYNC_SIGNING_SECRET must start with whsec_")
    try:
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    except ValueError:
        raise SystemExit("VPS_SYNC_SIGNING_SECRET is not whsec_ followed by base64") from None


def signature_headers(key, data):
    """Standard Webhooks headers for one attempt: a new id, the current time, v1,base64(HMAC-SHA256(id.timestamp.body))."""
    msg_id = f"msg_{uuid.uuid4()}"
    timestamp = str(int(time.time()))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + data, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def request(method, path, body=None, headers=None, key=None):
    """One logical call, retried on network errors and on answers whose code may pass; returns the JSON answer."""
    url = os.environ.get("VPS_SYNC_URL", "http://localhost:5050").rstrip("/") + path
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = str(uuid.uuid4())  # one per command, reused on its retries
    for attempt in range(1, MAX_ATTEMPTS + 1):
        wait = None
        try:
            signed = {**headers, **signature_headers(key, data)} if key is not None and data is not None else headers
            req = urllib.request.Request(url, data=data, headers=signed, method=method)
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            text = err.read().decode(errors="replace")
            try:
                answer = json.loads(text)
            except ValueError:
                answer = {"status": "error", "message": text}
            # Decided on the answer's code: these pass on their own (an outage, the same
            # Idempotency-Key still running). A misconfigured service or any other 4xx would fail again.
            code = answer.get("code") if isinstance(answer, dict) else None
            if code is not None:
                retryable = code in RETRYABLE_CODES or err.code == 429
            else:
                retryable = err.code == 429 or err.code >= 500  # a proxy's own error page
            if not retryable:
                raise HttpError(err.code, answer) from None
            if attempt == MAX_ATTEMPTS:
                raise HttpError(err.code, answer) from None
            wait = retry_after_seconds(err.headers.get("Retry-After"))
            reason = f"HTTP {err.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
            if attempt == MAX_ATTEMPTS:
                raise
            reason = str(getattr(err, "reason", err))
        delay = min(MAX_DELAY_S, wait) if wait is not None else backoff_seconds(attempt)
        print(f"attempt {attempt} failed ({reason}); retrying in {delay:.2f}s", file=sys.stderr)
        time.sleep(delay)
    raise AssertionError("unreachable")


def sync(action, vps):
    api_key = os.environ.get("VPS_SYNC_API_KEY")
    if not api_key:
        raise SystemExit("VPS_SYNC_API_KEY is not set")
    return request("POST", "/api/vps/sync", {"action": action, "vps": vps}, {"X-API-Key": api_key}, signing_key())


def ref(args):
    """The VPS addressed by the panel's id or by the main site's external id."""
    if (args.id is None) == (args.external_id is None):
        raise SystemExit("give either an id or --external-id")
    return {"id": args.id} if args.id is not None else {"external_id": args.external_id}


def create(args):
    vps = {
        "user_id": args.user_id,
        "name": args.name,
        "status": args.status,
        "cpu": args.cpu,
        "ram": args.ram_gb * 1024,  # the main site sells GB; the panel stores MB
        "disk": args.disk_gb,
        "os": args.os,
        "hypervisor": args.hypervisor,
    }
    if args.external_id:
        vps["external_id"] = args.external_id
    return sync("create", vps)


def status(args):
    return sync("update", {**ref(args), "status": args.status})


def delete(args):
    return sync("delete", ref(args))


def list_vps(args):
    token = args.token or os.environ.get("VPS_PANEL_TOKEN")
    if not token:
        raise SystemExit("list needs a user's JWT: --token or VPS_PANEL_TOKEN")
    return request("GET", "/api/vps", headers={"Authorization": f"Bearer {token}"})


def parser():
    p = argparse.ArgumentParser(description="Sync VPS with the panel (POST /api/vps/sync, GET /api/vps).")
    commands = p.add_subparsers(dest="command", required=True)

    c = commands.add_parser("create", help="announce a new VPS")
    c.add_argument("--user-id", type=int, required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--cpu", type=int, required=True)
    c.add_argument("--ram-gb", type=int, required=True)
    c.add_argument("--disk-gb", type=int, required=True)
    c.add_argument("--os", required=True)
    c.add_argument("--hypervisor", required=True, choices=["proxmox", "vmware", "hyperv", "kvm", "xen"])
    c.add_argument("--status", default="creating", choices=["creating", "running", "stopped", "suspended"])
    c.add_argument("--external-id")
    c.set_defaults(run=create)

    s = commands.add_parser("status", help="change a VPS's status")
    s.add_argument("id", type=int, nargs="?")
    s.add_argument("status", choices=["creating", "running", "stopped", "suspended"])
    s.add_argument("--external-id")
    s.set_defaults(run=status)

    d = commands.add_parser("delete", help="remove a VPS from the panel")
    d.add_argument("id", type=int, nargs="?")
    d.add_argument("--external-id")
    d.set_defaults(run=delete)

    ls = commands.add_parser("list", help="the VPS of the token's user")
    ls.add_argument("--token")
    ls.set_defaults(run=list_vps)
    return p


def main():
    args = parser().parse_args()
    try:
        answer = args.run(args)
    except HttpError as err:
        print(json.dumps(err.body), file=sys.stderr)
        return 1
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        print(f"panel unreachable: {getattr(err, 'reason', err)}", file=sys.stderr)
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
