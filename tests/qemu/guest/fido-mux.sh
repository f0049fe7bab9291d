#!/bin/sh
# fido-mux.sh - one of several guests sharing one key through `emkit fido
# mux` on the host (the emkit-fido-mux case of tests/qemu/guest-test.sh):
# its only key is `-device emkit-fido,mode=passthru,mux=SOCKET` on
# qemu-xhci; unmodified fido2-tools run EMK_FIDO_ROUNDS rounds of
# makeCredential + getAssertion on it, each verified, while the other
# guest and a host libfido2 program do the same on the same key, whose
# user answers each test of presence late (KEEPALIVEs flow).
. /tests/lib.sh
. /tests/usb-lib.sh
G=${EMK_FIDO_GUEST:-0}
N=${EMK_FIDO_ROUNDS:-3}
check mux-key wait_hidraw 12 30 passthru
P=$(hidraw_of 12 passthru)
echo "EMK-INFO: guest $G: pass-through key $P"
check mux-info sh -c "fido2-token -I $P | grep -q FIDO_2_1"
t0=$(date +%s)
r=0 ok=0
while [ $r -lt "$N" ]; do
    printf '%s\nmux.emkit.example\nguest%s-%s\n%s\n' "$(b64 32)" "$G" "$r" "$(b64 16)" >/tmp/c_in
    printf '%s\nmux.emkit.example\n' "$(b64 32)" >/tmp/a_in
    if fido2-cred -M -i /tmp/c_in "$P" >/tmp/c 2>/tmp/err &&
        fido2-cred -V -i /tmp/c -o /tmp/c.pem 2>>/tmp/err &&
        sed -n 5p /tmp/c >>/tmp/a_in &&
        fido2-assert -G -p -i /tmp/a_in "$P" >/tmp/a 2>>/tmp/err &&
        fido2-assert -V -p -i /tmp/a /tmp/c.pem es256 2>>/tmp/err; then
        ok=$((ok + 1))
    else
        head -n 3 /tmp/err | sed "s/^/EMK-INFO: guest $G round $r: /"
    fi
    r=$((r + 1))
done
t1=$(date +%s)
echo "EMK-INFO: guest $G: $ok of $N rounds made and verified in $((t1 - t0)) s"
check mux-rounds test "$ok" = "$N"
[ "$FAILS" = 0 ]
