#!/usr/bin/env python3
"""Verifies an Accord enforcement package WITHOUT Accord: Python's standard library reads the
ZIP, JSON and SHA-256, and the `openssl` command checks every Ed25519 signature.

    python3 scripts/verify-package.py PACKAGE.zip [--key INSTITUTION_KEY_HEX]

It checks what docs/EVIDENCE.md describes: the index's signature by the institution key, every
file against the index (nothing missing, nothing added), each signature's manifest against the
signed text's SHA-256, the attestation's signature, and each case-log event's hash. Exit 0 and
"VALID" when all hold; exit 1 and "INVALID: <what>" otherwise. (Accord's own `accord verify`
also rebuilds the archive byte for byte; this script checks the content.)
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
WITHOUT_PREJUDICE_KINDS = {"negotiation-opened", "package-proposed", "package-agreed",
                           "blind-bidding-opened", "blind-round-closed"}
EVENT_PREFIXES = {1: b"accord-event-v1\n", 2: b"accord-event-v2\n"}


class Invalid(Exception):
    pass


def canonical(value):
    """Canonical JSON as Accord writes it: RFC 8785 restricted to integers and ASCII keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def openssl_verify(public_key_hex, message, signature_hex, what):
    """Ed25519 verification by openssl pkeyutl (raw message, SubjectPublicKeyInfo PEM key)."""
    try:
        key = bytes.fromhex(public_key_hex)
        sig = bytes.fromhex(signature_hex.strip())
    except ValueError:
        raise Invalid(f"{what}: key or signature is not hexadecimal")
    if len(key) != 32 or len(sig) != 64:
        raise Invalid(f"{what}: not an Ed25519 key and signature")
    pem = (
        "-----BEGIN PUBLIC KEY-----\n"
        + base64.b64encode(ED25519_SPKI_PREFIX + key).decode()
        + "\n-----END PUBLIC KEY-----\n"
    )
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("key.pem", "msg", "sig")}
        for name, data in (("key.pem", pem.encode()), ("msg", message), ("sig", sig)):
            with open(paths[name], "wb") as f:
                f.write(data)
        r = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"],
             "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]],
            capture_output=True,
        )
    if r.returncode != 0 or b"Signature Verified Successfully" not in r.stdout:
        raise Invalid(f"{what}: the signature does not verify")


def verify(path, expected_key):
    try:
        z = zipfile.ZipFile(path)
        names = z.namelist()
        files = {n: z.read(n) for n in names}
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise Invalid(f"not a readable ZIP archive: {e}")
    except Exception as e:  # zlib and struct errors of a damaged archive
        raise Invalid(f"not a readable ZIP archive: {e}")
    if len(names) != len(set(names)):
        raise Invalid("an entry name appears twice")
    if names[:2] != ["index.json", "index.sig"]:
        raise Invalid("the package must start with index.json and index.sig")
    try:
        index_text = files["index.json"].decode("utf-8")
        index = json.loads(index_text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Invalid(f"index.json: {e}")
    if canonical(index) != index_text:
        raise Invalid("index.json is not canonical JSON")
    key = index.get("institution_key", "")
    if expected_key and key.lower() != expected_key.lower():
        raise Invalid("signed by a different institution key than the one given")
    openssl_verify(key, files["index.json"], files["index.sig"].decode("ascii", "replace"), "index.sig")
    listed = index.get("files", [])
    if sorted(e["name"] for e in listed) != sorted(names[2:]):
        raise Invalid("the archive's files differ from the index's list")
    for entry in listed:
        data = files[entry["name"]]
        if sha256_hex(data) != entry["sha256"] or len(data) != entry["size"]:
            raise Invalid(f"{entry['name']} was changed")
    settlement = files["agreement/settlement.json"]
    text_hash = sha256_hex(settlement)
    signatures = 0
    for name in names:
        if not name.startswith("evidence/signature-"):
            continue
        e = json.loads(files[name])
        openssl_verify(e["public_key"], e["manifest"].encode("utf-8"), e["signature"], name)
        if json.loads(e["manifest"]).get("text_hash") != text_hash:
            raise Invalid(f"{name} signs another text than agreement/settlement.json")
        signatures += 1
    if signatures < 2:
        raise Invalid("fewer than two signatures")
    attestation = files["attestation/attestation.json"]
    openssl_verify(key, attestation, files["attestation/attestation.sig"].decode("ascii", "replace"),
                   "attestation/attestation.sig")
    a = json.loads(attestation)
    if a.get("text_hash") != text_hash:
        raise Invalid("the attestation is for another text")
    if a.get("verification_id") != index.get("verification_id"):
        raise Invalid("the attestation's verification id differs from the index's")
    events = 0
    for ev in json.loads(files["case-log.json"]):
        payload = json.loads(ev["payload"])
        if ev["kind"] in WITHOUT_PREJUDICE_KINDS or (
                isinstance(payload, dict) and payload.get("without_prejudice") is True):
            raise Invalid(f"case-log.json holds without-prejudice material ({ev['kind']})")
        prefix = EVENT_PREFIXES.get(ev.get("format", 1))
        if prefix is None:
            raise Invalid(f"case-log.json event {ev['seq']}: unknown format")
        if canonical(payload) != ev["payload"]:
            raise Invalid(f"case-log.json event {ev['seq']}: payload not canonical")
        envelope = {k: ev[k] for k in ("actor", "case_id", "event_id", "kind", "prev_hash",
                                       "recorded_at_ms", "rule_basis", "seq", "visibility")}
        envelope["payload"] = payload
        h = sha256_hex(prefix + canonical(envelope).encode("utf-8"))
        if h != ev["hash"]:
            raise Invalid(f"case-log.json event {ev['seq']}: hash does not match")
        events += 1
    return text_hash, signatures, events, index.get("verification_id")


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--key"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    expected = argv[3] if len(argv) == 4 else None
    try:
        text_hash, signatures, events, vid = verify(argv[1], expected)
    except Invalid as e:
        print(f"INVALID: {e}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        print(f"INVALID: malformed content ({type(e).__name__}: {e})", file=sys.stderr)
        return 1
    print(f"VALID agreement {text_hash}; {signatures} signatures; {events} log events; "
          f"verification id {vid}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
