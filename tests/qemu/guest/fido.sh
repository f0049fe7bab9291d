#!/bin/sh
# fido.sh - emkit's FIDO2 key behind Linux UHID, in the guest as a minimal
# host: the static `emkit fido serve --uhid` (packed as /data/emkit) makes
# /dev/hidraw*, and unmodified fido2-tools use it like a physical key:
# list, info, PIN set/change, make and verify a credential, get and verify
# assertions (U2F too), resident credentials listed and deleted,
# hmac-secret, and the signature counter across a kill -9 of the server.
. /tests/lib.sh
EMKIT=/data/emkit
STATE=/tmp/fido.state
[ -x "$EMKIT" ] || { echo "EMK-CHECK: fido-binary FAIL (no $EMKIT)"; exit 1; }
check uhid-node wait_for /dev/uhid 5

serve() {
    "$EMKIT" fido serve --uhid --state "$STATE" --presence always >>/tmp/serve.log 2>&1 &
    SERVE=$!
    wait_for /dev/hidraw0 10
}
dev() { fido2-token -L 2>/dev/null | sed -n 's/^\(\/dev\/hidraw[0-9]*\):.*/\1/p' | head -n1; }
b64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
# the signature counter: authenticator data bytes 33..36, big-endian
# (fido2-assert prints authData CBOR-wrapped: 2 header bytes first)
counter() { sed -n 3p "$1" | base64 -d | od -An -tu1 -j35 -N4 | awk '{print $1*16777216+$2*65536+$3*256+$4}'; }

serve
check hidraw wait_for /dev/hidraw0 1
DEV=$(dev)
echo "EMK-INFO: fido2-token -L: $(fido2-token -L 2>&1 | head -n1)"
# (no udev here: libfido2 finds no manufacturer/product strings)
check token-list sh -c 'fido2-token -L | grep -q "vendor=0x1209, product=0x0001"'
check token-info sh -c "fido2-token -I $DEV | tee /tmp/info | grep -q FIDO_2_1"
grep -E 'version strings|extension strings|options' /tmp/info | sed 's/^/EMK-INFO: /'

PIN=4739
# fido2-token reads PINs with readpassphrase: no controlling terminal
# under setsid, so it reads them from stdin
check pin-set sh -c "printf '%s\n%s\n' $PIN $PIN | setsid fido2-token -S $DEV"
check pin-change sh -c "printf '%s\n%s\n%s\n' $PIN 91827 91827 | setsid fido2-token -C $DEV"
PIN=91827
check pin-retries sh -c "fido2-token -I $DEV | grep -q 'pin retries: 8'"

# a non-resident credential, then assertions with it
CDH=$(b64 32)
printf '%s\nemkit.example\nmaker\n%s\n' "$CDH" "$(b64 16)" >/tmp/cred_in
check cred-make sh -c "echo $PIN | setsid fido2-cred -M -i /tmp/cred_in $DEV >/tmp/cred"
check cred-verify fido2-cred -V -i /tmp/cred -o /tmp/pub.pem
printf '%s\nemkit.example\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/cred)" >/tmp/as_in
check assert-get sh -c "echo $PIN | setsid fido2-assert -G -p -i /tmp/as_in $DEV >/tmp/as1"
check assert-verify fido2-assert -V -p -i /tmp/as1 /tmp/pub.pem es256
check assert-get-2 sh -c "echo $PIN | setsid fido2-assert -G -p -i /tmp/as_in $DEV >/tmp/as2"
C1=$(counter /tmp/as1); C2=$(counter /tmp/as2)
echo "EMK-INFO: counters $C1 then $C2"
check counter-grows test "$C2" -gt "$C1"

# a resident credential with credProtect 2: listed, then deleted
printf '%s\nemkit.example\nresident\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/rk_in
check rk-make sh -c "echo $PIN | setsid fido2-cred -M -r -c 2 -i /tmp/rk_in $DEV >/tmp/rk"
check rk-verify fido2-cred -V -c 2 -i /tmp/rk -o /tmp/rk.pem
check rk-list-rps sh -c "echo $PIN | setsid fido2-token -L -r $DEV | tee /tmp/rps | grep -q emkit.example"
RKID=$(sed -n 5p /tmp/rk)
check rk-list sh -c "echo $PIN | setsid fido2-token -L -k emkit.example $DEV | tee /tmp/rks | grep -qF '$RKID'"
check rk-delete sh -c "echo $PIN | setsid fido2-token -D -i '$RKID' $DEV"
# it was the RP's only resident credential: the key now has none for it
check rk-gone sh -c "echo $PIN | setsid fido2-token -L -k emkit.example $DEV >/tmp/rks2 2>&1; ! grep -qF '$RKID' /tmp/rks2 && grep -q FIDO_ERR_NO_CREDENTIALS /tmp/rks2"

# hmac-secret: the same salt gives the same secret, another salt another
printf '%s\nhmac.emkit.example\nhmac\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/hs_in
check hs-make sh -c "echo $PIN | setsid fido2-cred -M -h -i /tmp/hs_in $DEV >/tmp/hs"
SALT1=$(b64 32); SALT2=$(b64 32)
for n in 1 2 3; do
    salt=$SALT1; [ $n = 3 ] && salt=$SALT2
    printf '%s\nhmac.emkit.example\n%s\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/hs)" "$salt" >/tmp/hsa_in
    check hs-assert-$n sh -c "echo $PIN | setsid fido2-assert -G -h -p -i /tmp/hsa_in $DEV >/tmp/hsa$n"
done
check hs-cred-verify fido2-cred -V -h -i /tmp/hs -o /tmp/hs.pem
check hs-verify fido2-assert -V -h -p -i /tmp/hsa1 /tmp/hs.pem es256
echo "EMK-INFO: hmac-secret outputs: $(sed -n 5p /tmp/hsa1 | cut -c1-12)... $(sed -n 5p /tmp/hsa2 | cut -c1-12)... $(sed -n 5p /tmp/hsa3 | cut -c1-12)..."
check hs-same-salt sh -c "[ -n \"\$(sed -n 5p /tmp/hsa1)\" ] && [ \"\$(sed -n 5p /tmp/hsa1)\" = \"\$(sed -n 5p /tmp/hsa2)\" ]"
check hs-other-salt sh -c "[ \"\$(sed -n 5p /tmp/hsa1)\" != \"\$(sed -n 5p /tmp/hsa3)\" ]"

# U2F through libfido2's U2F path (-u)
printf '%s\nu2f.emkit.example\nu2f\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/u2f_in
check u2f-make sh -c "fido2-cred -M -u -i /tmp/u2f_in $DEV >/tmp/u2f"
check u2f-verify fido2-cred -V -i /tmp/u2f -o /tmp/u2f.pem
printf '%s\nu2f.emkit.example\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/u2f)" >/tmp/u2fa_in
check u2f-assert sh -c "fido2-assert -G -u -p -i /tmp/u2fa_in $DEV >/tmp/u2fa"
check u2f-assert-verify fido2-assert -V -p -i /tmp/u2fa /tmp/u2f.pem es256

# kill -9 the server mid-life: the counter goes on from the state file
kill -9 "$SERVE"; wait "$SERVE" 2>/dev/null
i=0; while [ -e /dev/hidraw0 ] && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
serve
DEV=$(dev)
check restart-assert sh -c "echo $PIN | setsid fido2-assert -G -p -i /tmp/as_in $DEV >/tmp/as3"
check restart-verify fido2-assert -V -p -i /tmp/as3 /tmp/pub.pem es256
C3=$(counter /tmp/as3)
echo "EMK-INFO: counter after kill -9 and restart: $C3"
check counter-after-crash test "$C3" -gt "$C2"
check pin-survives sh -c "fido2-token -I $DEV | grep -q 'pin retries: 8'"
kill "$SERVE" 2>/dev/null
sed 's/^/EMK-INFO: serve: /' /tmp/serve.log | head -n 20
[ "$FAILS" = 0 ]
