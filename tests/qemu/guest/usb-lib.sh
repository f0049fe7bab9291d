# usb-lib.sh - helpers for the guest's emkit-fido tests (sourced by
# fido-usb.sh and fido-mux.sh; not a test of its own: nothing names it in
# emk.test=): find our key (1209:000f) by speed and serial, its hidraw
# node, and random base64 for fido2-tools' input files.
b64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
counter() { sed -n 3p "$1" | base64 -d | od -An -tu1 -j35 -N4 | awk '{print $1*16777216+$2*65536+$3*256+$4}'; }
# usb_dev SPEED [SERIAL]: the sysfs dir of our key (1209:000f) at SPEED
# Mb/s with that serial (EMK0001: emulated; passthru: mode=passthru)
usb_dev() {
    for d in /sys/bus/usb/devices/*; do
        [ "$(cat "$d/idVendor" 2>/dev/null):$(cat "$d/idProduct" 2>/dev/null)" = 1209:000f ] &&
            [ "$(cat "$d/speed")" = "$1" ] &&
            [ "$(cat "$d/serial" 2>/dev/null)" = "${2:-EMK0001}" ] && { echo "$d"; return 0; }
    done
    return 1
}
# hidraw_of SPEED [SERIAL]: /dev/hidrawN of that key
hidraw_of() {
    d=$(usb_dev "$1" "${2:-}") || return 1
    for h in "$d"/*/*/hidraw/hidraw*; do
        [ -e "$h" ] && { echo "/dev/${h##*/}"; return 0; }
    done
    return 1
}
wait_hidraw() { # wait_hidraw SPEED [seconds [SERIAL]]
    i=0
    while ! hidraw_of "$1" "${3:-}" >/dev/null && [ $i -lt "${2:-20}" ]; do sleep 1; i=$((i + 1)); done
    hidraw_of "$1" "${3:-}" >/dev/null
}
