#!/bin/sh
# fido-usb.sh - `-device emkit-fido` (emkit's FIDO key as a USB HID
# device) in the guest: one key on qemu-xhci (full speed, a state file)
# and one on usb-ehci (high speed).  Linux's xhci_pci/ehci_pci, usbhid and
# hid-generic bind them and make /dev/hidraw*; unmodified fido2-tools use
# them: list, info (CTAP 2.1), PIN set, make/verify a credential, get and
# verify assertions, a resident credential, hmac-secret; then the host
# unplugs and replugs the xhci key over QMP (device_del / device_add with
# the same state file) and the old credential, PIN and counter still work.
. /tests/lib.sh
. /tests/usb-lib.sh

check xhci-key wait_hidraw 12 30
check ehci-key wait_hidraw 480 30
X=$(hidraw_of 12); E=$(hidraw_of 480)
echo "EMK-INFO: xhci key $X ($(usb_dev 12)), ehci key $E ($(usb_dev 480))"
dmesg | grep -Ei 'usb [0-9-]+: (new|Product|Manufacturer)|hid-generic.*F1D0|hidraw[0-9]: USB HID' | head -n 8 | sed 's/^/EMK-INFO: dmesg: /'
check usb-strings sh -c "grep -qx 'emkit FIDO2 key' $(usb_dev 12)/product && grep -qx emkit $(usb_dev 12)/manufacturer"
check hid-generic sh -c "dmesg | grep -q 'hid-generic.*1209:000F'"
NKEYS=2 FS_BOOT=1
[ "${EMK_FIDO_PASSTHRU:-0}" = 1 ] && NKEYS=4 FS_BOOT=2
check token-list sh -c "test \$(fido2-token -L | grep -c 'emkit FIDO2 key') = $NKEYS"
fido2-token -L 2>&1 | sed 's/^/EMK-INFO: fido2-token -L: /'
check token-info-xhci sh -c "fido2-token -I $X | tee /tmp/info | grep -q FIDO_2_1"
check token-info-ehci sh -c "fido2-token -I $E | grep -q FIDO_2_1"
grep -E 'version strings|extension strings' /tmp/info | sed 's/^/EMK-INFO: /'

PIN=5820
check pin-set sh -c "printf '%s\n%s\n' $PIN $PIN | setsid fido2-token -S $X"
check pin-retries sh -c "fido2-token -I $X | grep -q 'pin retries: 8'"

# a credential and assertions with it
printf '%s\nemkit.example\nusb-user\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/cred_in
check cred-make sh -c "echo $PIN | setsid fido2-cred -M -i /tmp/cred_in $X >/tmp/cred"
check cred-verify fido2-cred -V -i /tmp/cred -o /tmp/pub.pem
printf '%s\nemkit.example\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/cred)" >/tmp/as_in
check assert-get sh -c "echo $PIN | setsid fido2-assert -G -p -i /tmp/as_in $X >/tmp/as1"
check assert-verify fido2-assert -V -p -i /tmp/as1 /tmp/pub.pem es256
C1=$(counter /tmp/as1)

# a resident credential: listed
printf '%s\nemkit.example\nresident-usb\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/rk_in
check rk-make sh -c "echo $PIN | setsid fido2-cred -M -r -i /tmp/rk_in $X >/tmp/rk"
check rk-verify fido2-cred -V -i /tmp/rk -o /tmp/rk.pem
check rk-list-rps sh -c "echo $PIN | setsid fido2-token -L -r $X | tee /tmp/rps | grep -q emkit.example"
sed 's/^/EMK-INFO: fido2-token -L -r: /' /tmp/rps
# fido2-token -L -k prints index, credential ID, display name, user ID
RKID=$(sed -n 5p /tmp/rk)
check rk-list sh -c "echo $PIN | setsid fido2-token -L -k emkit.example $X | tee /tmp/rks | grep -qF '$RKID'"
sed 's/^/EMK-INFO: fido2-token -L -k: /' /tmp/rks
printf '%s\nemkit.example\n' "$(b64 32)" >/tmp/rka_in
check rk-assert sh -c "echo $PIN | setsid fido2-assert -G -r -p -i /tmp/rka_in $X >/tmp/rka"
check rk-assert-verify fido2-assert -V -p -i /tmp/rka /tmp/rk.pem es256

# hmac-secret: the same salt gives the same secret, another salt another
printf '%s\nhmac.emkit.example\nhmac\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/hm_in
check hmac-make sh -c "echo $PIN | setsid fido2-cred -M -h -i /tmp/hm_in $X >/tmp/hm"
check hmac-cred-verify fido2-cred -V -h -i /tmp/hm -o /tmp/hm.pem
SALT=$(b64 32)
hmac_get() { # hmac_get SALT OUT
    printf '%s\nhmac.emkit.example\n%s\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/hm)" "$1" >/tmp/hs_in
    echo $PIN | setsid fido2-assert -G -h -i /tmp/hs_in $X >"$2" &&
        [ "$(wc -l <"$2")" -ge 5 ]
}
check hmac-get hmac_get "$SALT" /tmp/hs1
check hmac-assert-verify fido2-assert -V -h -i /tmp/hs1 /tmp/hm.pem es256
check hmac-get-again hmac_get "$SALT" /tmp/hs2
check hmac-get-other hmac_get "$(b64 32)" /tmp/hs3
check hmac-same test "$(tail -n1 /tmp/hs1)" = "$(tail -n1 /tmp/hs2)"
check hmac-differs test "$(tail -n1 /tmp/hs1)" != "$(tail -n1 /tmp/hs3)"
check hmac-length test "$(tail -n1 /tmp/hs1 | base64 -d | wc -c)" = 32

# unplug and replug the xhci key over QMP (the host does it when it sees
# this line), with its state file
# (the kernel logs the disconnect, then a new device number on the same port)
echo "EMK-UNPLUG-FIDO: now"
disconnected() { dmesg | grep -q 'usb 1-1: USB disconnect'; }
i=0; while ! disconnected && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
check unplugged disconnected
check replugged wait_hidraw 12 60
dmesg | grep -E 'usb 1-[0-9]+: (new|USB disconnect)' | sed 's/^/EMK-INFO: dmesg: /'
# one more full-speed device than at boot (the ehci keys are high speed)
check replug-new-device sh -c "test \$(dmesg | grep -c 'new full-speed USB device number .* using xhci_hcd') -ge $((FS_BOOT + 1))"
X=$(hidraw_of 12)
check replug-pin-retries sh -c "fido2-token -I $X | grep -q 'pin retries: 8'"
check replug-assert sh -c "echo $PIN | setsid fido2-assert -G -p -i /tmp/as_in $X >/tmp/as2"
check replug-verify fido2-assert -V -p -i /tmp/as2 /tmp/pub.pem es256
C2=$(counter /tmp/as2)
echo "EMK-INFO: counter $C1 before unplug, $C2 after replug"
check replug-counter test "$C2" -gt "$C1"
check replug-rk sh -c "echo $PIN | setsid fido2-token -L -k emkit.example $X | grep -qF '$RKID'"
check replug-hmac hmac_get "$SALT" /tmp/hs4
check replug-hmac-same test "$(tail -n1 /tmp/hs1)" = "$(tail -n1 /tmp/hs4)"
# the ehci key never had a PIN: its state is its own
check ehci-no-pin sh -c "fido2-token -I $E | grep -q 'noclientPin'"
fido2-token -I $E | grep -E 'options' | sed 's/^/EMK-INFO: ehci key: /'

# mode=passthru (emk.fido_passthru=1): two more keys, on xhci and ehci,
# whose reports go to `emkit fido mux` on the host, in front of one key
# (`emkit fido serve --hid-socket`, touched 1.5 s after each test of
# presence): the CTAP2 waits need KEEPALIVEs to pass as one transaction,
# and two fido2-cred at once share the key through the mux
if [ "${EMK_FIDO_PASSTHRU:-0}" = 1 ]; then
    check passthru-key wait_hidraw 12 30 passthru
    P=$(hidraw_of 12 passthru)
    echo "EMK-INFO: pass-through key $P ($(usb_dev 12 passthru))"
    check passthru-info sh -c "fido2-token -I $P | grep -q FIDO_2_1"
    printf '%s\npass.emkit.example\npass\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/pc_in
    t0=$(date +%s)
    check passthru-cred-make sh -c "fido2-cred -M -i /tmp/pc_in $P >/tmp/pc"
    t1=$(date +%s)
    echo "EMK-INFO: pass-through makeCredential took $((t1 - t0)) s (touch after 1.5 s)"
    check passthru-cred-waited test $((t1 - t0)) -ge 1
    check passthru-cred-verify fido2-cred -V -i /tmp/pc -o /tmp/pc.pem
    printf '%s\npass.emkit.example\n%s\n' "$(b64 32)" "$(sed -n 5p /tmp/pc)" >/tmp/pa_in
    check passthru-assert sh -c "fido2-assert -G -p -i /tmp/pa_in $P >/tmp/pa"
    check passthru-assert-verify fido2-assert -V -p -i /tmp/pa /tmp/pc.pem es256
    # both pass-through keys at once: the mux serialises them on the key
    check passthru-ehci-key wait_hidraw 480 30 passthru
    P2=$(hidraw_of 480 passthru)
    printf '%s\nmux.emkit.example\nmux1\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/m1_in
    printf '%s\nmux.emkit.example\nmux2\n%s\n' "$(b64 32)" "$(b64 16)" >/tmp/m2_in
    t0=$(date +%s)
    fido2-cred -M -i /tmp/m1_in $P >/tmp/m1 2>/tmp/m1.err & J1=$!
    fido2-cred -M -i /tmp/m2_in $P2 >/tmp/m2 2>/tmp/m2.err & J2=$!
    wait $J1; R1=$?; wait $J2; R2=$?
    t1=$(date +%s)
    echo "EMK-INFO: two makeCredentials at once through the mux: exit $R1 and $R2 in $((t1 - t0)) s"
    cat /tmp/m1.err /tmp/m2.err 2>/dev/null | head -n 4 | sed 's/^/EMK-INFO: /'
    check mux-both-made test "$R1$R2" = 00
    check mux-cred1-verify fido2-cred -V -i /tmp/m1 -o /tmp/m1.pem
    check mux-cred2-verify fido2-cred -V -i /tmp/m2 -o /tmp/m2.pem
    check mux-serialised test $((t1 - t0)) -ge 2
    check mux-distinct sh -c "! cmp -s /tmp/m1.pem /tmp/m2.pem"
fi
[ "$FAILS" = 0 ]
