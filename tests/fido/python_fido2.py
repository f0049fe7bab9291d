#!/usr/bin/env python3
"""python_fido2.py - python-fido2 (Debian python3-fido2 0.9.1), a second real
peer, drives `emkit fido serve --hid-socket` through tests/fido/sock_hid.py.

libfido2 always picks PIN/UV auth protocol 2; here each PIN test runs with
protocol 1 forced and again with protocol 2: getInfo, setPIN, changePIN,
retries, a wrong PIN, getPinToken and getPinUvAuthTokenUsingPinWithPermissions,
makeCredential and getAssertion with pinUvAuthParam (the attestation checked
by fido2.attestation.PackedAttestation, the assertion by fido2.cose.ES256 and
once more by the cryptography package directly), credential management
(metadata, enumerate, delete), authenticatorConfig and large blobs, all with
the protocol's token.  Ctap2 also checks that every response is canonical
CBOR.

Usage: python_fido2.py PATH-TO-EMKIT (exit 77: fido2 not importable).
"""
import hashlib
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sock_hid  # noqa: E402  (re-executes or skips without fido2)

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from fido2.attestation import PackedAttestation  # noqa: E402
from fido2.attestation.base import AttestationType  # noqa: E402
from fido2.cose import CoseKey, ES256  # noqa: E402
from fido2.ctap import CtapError  # noqa: E402
from fido2.ctap2 import (ClientPin, Config, CredentialManagement, Ctap2,  # noqa: E402
                         LargeBlobs, PinProtocolV1, PinProtocolV2)

ERR = CtapError.ERR
PERM = ClientPin.PERMISSION
CM = CredentialManagement.RESULT
RP = {"id": "example.com", "name": "Example"}
ES256_PARAMS = [{"type": "public-key", "alg": -7}]


def sha256(b):
    return hashlib.sha256(b).digest()


def expect_error(code, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except CtapError as e:
        if e.code != code:
            raise AssertionError("expected %s, got %s" % (code, e.code))
        return
    raise AssertionError("expected %s, got success" % code)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Key(object):
    """A fresh in-memory key behind a server, and Ctap2 on it."""

    def __init__(self, emkit):
        self.server = sock_hid.Server(emkit).start()
        try:
            self.dev = sock_hid.open_device(self.server.path)
            self.ctap = Ctap2(self.dev)
        except Exception:
            self.server.cleanup()
            raise

    def close(self):
        self.dev.close()
        rc = self.server.stop()
        self.server.cleanup()
        check(rc == 0, "server exit status %r" % rc)


def make_cred(ctap, proto, token, user, rk=True, extensions=None):
    """makeCredential with the token; the packed attestation verified."""
    cdh = sha256(b"make " + user)
    att = ctap.make_credential(
        cdh, RP, {"id": user, "name": user.decode(), "displayName": "D"}, ES256_PARAMS,
        extensions=extensions, options={"rk": rk},
        pin_uv_param=proto.authenticate(token, cdh) if token else None,
        pin_uv_protocol=proto.VERSION if token else None)
    check(att.fmt == "packed", "fmt %r" % att.fmt)
    res = PackedAttestation().verify(att.att_statement, att.auth_data, cdh)
    check(res.attestation_type in (AttestationType.BASIC, AttestationType.SELF),
          "attestation type")
    ad = att.auth_data
    check(ad.rp_id_hash == sha256(RP["id"].encode()), "rpIdHash")
    check(ad.is_user_present() and ad.is_attested(), "flags %#x" % ad.flags)
    check(ad.is_user_verified() == bool(token), "UV flag")
    return ad.credential_data


def verify_by_hand(pub, auth_data, cdh, sig):
    """The assertion signature with the cryptography package alone."""
    x, y = int.from_bytes(pub[-2], "big"), int.from_bytes(pub[-3], "big")
    key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    key.verify(sig, bytes(auth_data) + cdh, ec.ECDSA(hashes.SHA256()))


def get_assertion(ctap, proto, token, cred, n):
    """getAssertion of cred (allow list) with the token, verified twice."""
    cdh = sha256(b"assert %d" % n)
    a = ctap.get_assertion(
        RP["id"], cdh, [{"type": "public-key", "id": cred.credential_id}],
        pin_uv_param=proto.authenticate(token, cdh) if token else None,
        pin_uv_protocol=proto.VERSION if token else None)
    pub = CoseKey.parse(cred.public_key)
    check(isinstance(pub, ES256), "ES256 key")
    a.verify(cdh, pub)
    verify_by_hand(pub, a.auth_data, cdh, a.signature)
    check(a.credential["id"] == cred.credential_id, "credential id")
    check(a.auth_data.is_user_verified() == bool(token), "UV flag")
    return a.auth_data.counter


def test_info(emkit):
    k = Key(emkit)
    try:
        info = k.ctap.info
        check("FIDO_2_1" in info.versions and "U2F_V2" in info.versions, info.versions)
        check(info.aaguid and len(info.aaguid) == 16, "aaguid")
        check(list(info.pin_uv_protocols) == [2, 1], info.pin_uv_protocols)
        for opt in ("rk", "credMgmt", "authnrCfg", "largeBlobs", "pinUvAuthToken"):
            check(info.options.get(opt) is True, "option %s" % opt)
        check(info.options.get("clientPin") is False, "clientPin before setPIN")
        check(info.max_msg_size == 7609, "maxMsgSize %r" % info.max_msg_size)
        check(k.dev.ping(b"x" * 300) == b"x" * 300, "PING")
    finally:
        k.close()


def pin_and_credentials(emkit, proto_cls):
    k = Key(emkit)
    try:
        ctap = k.ctap
        proto = proto_cls()
        cp = ClientPin(ctap, proto)
        check(cp.protocol.VERSION == proto_cls.VERSION, "protocol forced")
        # no PIN yet: no token
        expect_error(ERR.PIN_NOT_SET, cp.get_pin_token, "1234", PERM.GET_ASSERTION)
        cp.set_pin("1234")
        check(Ctap2(k.dev).get_info().options.get("clientPin") is True, "clientPin")
        check(cp.get_pin_retries()[0] == 8, "retries after setPIN")
        expect_error(ERR.NOT_ALLOWED, cp.set_pin, "4321")
        cp.change_pin("1234", "12345678")
        expect_error(ERR.PIN_INVALID, cp.change_pin, "1234", "87654321")
        retries, power_cycle = cp.get_pin_retries()
        check(retries == 7 and power_cycle is False, "retries %r %r" % (retries, power_cycle))
        expect_error(ERR.INVALID_SUBCOMMAND, cp.get_uv_retries)
        # subcommand 9 needs its permissions (fido2 0.9.1 sends none if not given)
        expect_error(ERR.MISSING_PARAMETER, cp.get_pin_token, "12345678")

        # the legacy getPinToken (subcommand 5): mc and ga permissions
        cp._supports_permissions = False
        legacy = cp.get_pin_token("12345678")
        cp._supports_permissions = True
        check(len(legacy) == 32, "token length")
        check(cp.get_pin_retries()[0] == 8, "a match restores the retries")
        cred = make_cred(ctap, proto, legacy, b"alice")
        c1 = get_assertion(ctap, proto, legacy, cred, 1)
        # a wrong pinUvAuthParam
        cdh = sha256(b"forged")
        expect_error(ERR.PIN_AUTH_INVALID, ctap.get_assertion, RP["id"], cdh, None, None, None,
                     proto.authenticate(legacy[::-1], cdh), proto.VERSION)
        # the other protocol's token does not authenticate under this one
        other = PinProtocolV2() if proto.VERSION == 1 else PinProtocolV1()
        expect_error(ERR.PIN_AUTH_INVALID, ctap.get_assertion, RP["id"], cdh, None, None, None,
                     other.authenticate(legacy, cdh), other.VERSION)

        # getPinUvAuthTokenUsingPinWithPermissions, bound to example.com
        tok = cp.get_pin_token("12345678", PERM.MAKE_CREDENTIAL | PERM.GET_ASSERTION,
                               RP["id"])
        bob = make_cred(ctap, proto, tok, b"bob")
        c2 = get_assertion(ctap, proto, tok, bob, 2)
        c3 = get_assertion(ctap, proto, None, cred, 3)
        check(c1 < c2 < c3, "counters %d %d %d" % (c1, c2, c3))
        # a token bound to another RP
        tok_org = cp.get_pin_token("12345678", PERM.GET_ASSERTION, "example.org")
        cdh = sha256(b"bound")
        expect_error(ERR.PIN_AUTH_INVALID, ctap.get_assertion, RP["id"], cdh, None, None, None,
                     proto.authenticate(tok_org, cdh), proto.VERSION)

        # credential management with a cm token
        tok = cp.get_pin_token("12345678", PERM.CREDENTIAL_MGMT)
        cm = CredentialManagement(ctap, proto, tok)
        meta = cm.get_metadata()
        check(meta[CM.EXISTING_CRED_COUNT] == 2, "metadata %r" % meta)
        rps = cm.enumerate_rps()
        check(len(rps) == 1 and rps[0][CM.RP]["id"] == RP["id"], "rps %r" % rps)
        check(rps[0][CM.RP_ID_HASH] == sha256(RP["id"].encode()), "rp id hash")
        creds = cm.enumerate_creds(sha256(RP["id"].encode()))
        users = sorted(c[CM.USER]["id"] for c in creds)
        check(users == [b"alice", b"bob"], "users %r" % users)
        for c in creds:
            want = cred if c[CM.USER]["id"] == b"alice" else bob
            check(c[CM.CREDENTIAL_ID]["id"] == want.credential_id, "credential id")
            check(CoseKey.parse(c[CM.PUBLIC_KEY]) == CoseKey.parse(want.public_key),
                  "public key")
        cm.delete_cred({"type": "public-key", "id": cred.credential_id})
        creds = cm.enumerate_creds(sha256(RP["id"].encode()))
        check([c[CM.USER]["id"] for c in creds] == [b"bob"], "after delete")
        expect_error(ERR.NO_CREDENTIALS, cm.delete_cred,
                     {"type": "public-key", "id": cred.credential_id})
        check(cm.get_metadata()[CM.EXISTING_CRED_COUNT] == 1, "metadata after delete")
        # without the cm permission
        expect_error(ERR.PIN_AUTH_INVALID,
                     CredentialManagement(ctap, proto, legacy).get_metadata)

        # authenticatorConfig with an acfg token: alwaysUv, minPINLength
        tok = cp.get_pin_token("12345678", PERM.AUTHENTICATOR_CFG)
        cfg = Config(ctap, proto, tok)
        cfg.toggle_always_uv()
        check(ctap.get_info().options.get("alwaysUv") is True, "alwaysUv on")
        expect_error(ERR.PIN_REQUIRED, ctap.make_credential, sha256(b"x"), RP,
                     {"id": b"carol"}, ES256_PARAMS, None, None, {"rk": False})
        cfg.toggle_always_uv()
        check(ctap.get_info().options.get("alwaysUv") is False, "alwaysUv off")
        cfg.set_min_pin_length(min_pin_length=10)
        info = ctap.get_info()
        check(info.min_pin_length == 10 and info.force_pin_change, "minPINLength 10")
        expect_error(ERR.PIN_POLICY_VIOLATION, cp.get_pin_token, "12345678", PERM.GET_ASSERTION)
        expect_error(ERR.PIN_POLICY_VIOLATION, cp.change_pin, "12345678", "123456789")
        cp.change_pin("12345678", "0123456789")
        check(not ctap.get_info().force_pin_change, "forcePINChange cleared")

        # large blobs with an lbw token, the largeBlobKey of a new credential
        tok = cp.get_pin_token("0123456789", PERM.MAKE_CREDENTIAL | PERM.LARGE_BLOB_WRITE)
        cdh = sha256(b"lbk")
        att = ctap.make_credential(cdh, RP, {"id": b"dave", "name": "dave"}, ES256_PARAMS,
                                   extensions={"largeBlobKey": True}, options={"rk": True},
                                   pin_uv_param=proto.authenticate(tok, cdh),
                                   pin_uv_protocol=proto.VERSION)
        lbk = att.large_blob_key
        check(lbk is not None and len(lbk) == 32, "largeBlobKey")
        lb = LargeBlobs(ctap, proto, tok)
        check(lb.read_blob_array() == [], "empty array")
        data = os.urandom(1000)
        lb.put_blob(lbk, data)
        check(LargeBlobs(ctap).get_blob(lbk) == data, "blob back")
        lb.delete_blob(lbk)
        check(LargeBlobs(ctap).get_blob(lbk) is None, "blob gone")
        expect_error(ERR.PIN_AUTH_INVALID, LargeBlobs(ctap, proto, legacy).put_blob, lbk, data)

        # three wrong PINs in a row: blocked until a power cycle
        for pin, err in (("0000000000", ERR.PIN_INVALID), ("0000000000", ERR.PIN_INVALID),
                         ("0000000000", ERR.PIN_AUTH_BLOCKED),
                         ("0123456789", ERR.PIN_AUTH_BLOCKED)):
            expect_error(err, cp.get_pin_token, pin, PERM.GET_ASSERTION)
        retries, power_cycle = cp.get_pin_retries()
        check(retries == 5 and power_cycle is True, "retries %r %r" % (retries, power_cycle))
    finally:
        k.close()


def main():
    if len(sys.argv) != 2:
        print("usage: python_fido2.py PATH-TO-EMKIT", file=sys.stderr)
        return 2
    emkit = sys.argv[1]
    tests = [("info", lambda: test_info(emkit)),
             ("pin-protocol-1", lambda: pin_and_credentials(emkit, PinProtocolV1)),
             ("pin-protocol-2", lambda: pin_and_credentials(emkit, PinProtocolV2))]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
            print("ok %s" % name)
        except Exception:
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
