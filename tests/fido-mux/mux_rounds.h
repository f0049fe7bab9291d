/*
 * mux_rounds.h - one libfido2 client of `emkit fido mux` (or of any
 * SOCK_SEQPACKET key, tests/fido/fido_sock_io.c): rounds of
 * makeCredential + getAssertion, each verified with libfido2.
 */
#ifndef EMKIT_TESTS_MUX_ROUNDS_H
#define EMKIT_TESTS_MUX_ROUNDS_H

/** Opens the key behind the socket at path and runs `rounds` rounds of
 *  makeCredential + getAssertion with a user ID and client data hashes of
 *  client `who`'s own; each credential is verified and each assertion
 *  verified with that credential's public key, so an answer meant for
 *  another client fails.  Returns 0, or 1 after a line on stderr. */
int mux_rounds(const char *path, int who, int rounds);

#endif
