/*
 * fido_sock_io.h - a libfido2 fido_dev_io_t over the key's SOCK_SEQPACKET
 * transport (`emkit fido serve --hid-socket PATH`, docs/fido-socket.md):
 * the device path is the socket's path; each write sends one 64-byte
 * report (libfido2's leading report ID byte dropped), each read returns
 * one.
 */
#ifndef EMKIT_TESTS_FIDO_SOCK_IO_H
#define EMKIT_TESTS_FIDO_SOCK_IO_H

#include <fido.h>

/** The I/O functions; pass to fido_dev_set_io_functions, then
 *  fido_dev_open(dev, socket_path). */
extern const fido_dev_io_t fsock_io;

#endif
