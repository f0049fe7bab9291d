#!/usr/bin/env bash
# x509_openssl.sh DUMP: the attestation certificate against a real peer.
# openssl parses it (v3, ecdsa-with-SHA256, the packed-attestation subject,
# CA:FALSE, the AAGUID extension holding emk_fido_aaguid()) and verifies
# it as its own trust anchor with its signature checked (-check_ss_sig);
# a copy with one flipped signature bit must fail to verify.
set -euo pipefail
dump=$1
command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
aaguid=$("$dump" "$t/att.der")
openssl x509 -inform DER -in "$t/att.der" -text -noout >"$t/text"
openssl x509 -inform DER -in "$t/att.der" -out "$t/att.pem"
fail=0
want() {
  if grep -qE -- "$1" "$t/text"; then echo "ok: $1"; else echo "MISSING: $1"; fail=1; fi
}
want 'Version: 3 \(0x2\)'
want 'Signature Algorithm: ecdsa-with-SHA256'
want 'Issuer: C ?= ?US, O ?= ?emkit, OU ?= ?Authenticator Attestation, CN ?= ?emkit FIDO2 attestation'
want 'Subject: C ?= ?US, O ?= ?emkit, OU ?= ?Authenticator Attestation, CN ?= ?emkit FIDO2 attestation'
want 'Not Before: Jan  1 00:00:00 2026 GMT'
want 'Not After : Jan  1 00:00:00 2046 GMT'
want 'ASN1 OID: prime256v1'
want 'X509v3 Basic Constraints: critical'
want 'CA:FALSE'
want '1\.3\.6\.1\.4\.1\.45724\.1\.1\.4'
# the AAGUID extension's value: OCTET STRING { OCTET STRING (16) AAGUID }
openssl asn1parse -inform DER -in "$t/att.der" >"$t/asn1"
if grep -A1 '45724\.1\.1\.4' "$t/asn1" | grep -q "OCTET STRING *\[HEX DUMP\]:0410$aaguid\$"; then
  echo "ok: the AAGUID extension holds $aaguid"
else
  echo "MISSING: AAGUID $aaguid in its extension"; fail=1
fi
openssl verify -check_ss_sig -CAfile "$t/att.pem" "$t/att.pem"
# one bit of the signature's last byte flipped: must not verify
python3 - "$t/att.der" "$t/bad.der" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-1] ^= 1
open(sys.argv[2], 'wb').write(bytes(b))
PY
openssl x509 -inform DER -in "$t/bad.der" -out "$t/bad.pem"
if openssl verify -check_ss_sig -CAfile "$t/bad.pem" "$t/bad.pem" >/dev/null 2>&1; then
  echo "FAIL: a tampered certificate verified"; fail=1
else
  echo "ok: the tampered certificate is refused"
fi
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
