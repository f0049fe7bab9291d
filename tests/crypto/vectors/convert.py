#!/usr/bin/env python3
"""convert.py - turns Wycheproof JSON test vectors into the compact line
format that tests/crypto/test_wycheproof.c reads.

  convert.py WYCHEPROOF_GIT_DIR [COMMIT]    # reads testvectors_v1/ with git show

Each output file starts with '#' lines (source, commit, counts) followed by
one line per test: 't <tcId> <v|i|a> <field> ...' with fields in hex and
'-' for an empty field; ECDSA groups add a 'k <public key>' line before
their tests.  Only AES groups with 256-bit keys are kept (the library
implements AES-256 only); the header says how many were left out.
"""
import json
import subprocess
import sys

RES = {'valid': 'v', 'invalid': 'i', 'acceptable': 'a'}


def h(s):
    return s if s else '-'


def load(gitdir, commit, name):
    out = subprocess.run(['git', '--git-dir', gitdir, 'show',
                          '%s:testvectors_v1/%s' % (commit, name)],
                         check=True, capture_output=True).stdout
    return json.loads(out)


def convert(gitdir, commit, src, dst, groupline, fields, keep=lambda g: True):
    d = load(gitdir, commit, src)
    lines, kept, skipped = [], 0, 0
    for g in d['testGroups']:
        if not keep(g):
            skipped += len(g['tests'])
            continue
        if groupline:
            lines.append(groupline(g))
        for t in g['tests']:
            lines.append(' '.join(['t', str(t['tcId']), RES[t['result']]] +
                                  [h(str(f(t)) if callable(f) else t[f])
                                   for f in fields]))
            kept += 1
    with open(dst, 'w') as f:
        f.write('# %s from C2SP/wycheproof %s testvectors_v1/%s\n'
                % (d['algorithm'], commit, src))
        f.write('# converted by tests/crypto/vectors/convert.py; %d tests kept,'
                ' %d left out (key size)\n' % (kept, skipped))
        f.write('# fields: %s\n' % ' '.join(
            ['tcId', 'result'] + [x if isinstance(x, str) else 'size'
                                  for x in fields]))
        f.write('\n'.join(lines) + '\n')
    print('%s: %d tests (%d left out)' % (dst, kept, skipped))


def main():
    gitdir = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else 'HEAD'
    commit = subprocess.run(['git', '--git-dir', gitdir, 'rev-parse', commit],
                            check=True, capture_output=True,
                            text=True).stdout.strip()
    aes256 = lambda g: g['keySize'] == 256
    convert(gitdir, commit, 'ecdsa_secp256r1_sha256_test.json',
            'ecdsa_secp256r1_sha256.txt',
            lambda g: 'k ' + g['publicKey']['uncompressed'], ['msg', 'sig'])
    convert(gitdir, commit, 'ecdh_secp256r1_test.json', 'ecdh_secp256r1.txt',
            None, ['public', 'private', 'shared'])
    convert(gitdir, commit, 'aes_gcm_test.json', 'aes_gcm.txt', None,
            ['key', 'iv', 'aad', 'msg', 'ct', 'tag'], aes256)
    convert(gitdir, commit, 'aes_cbc_pkcs5_test.json', 'aes_cbc_pkcs5.txt',
            None, ['key', 'iv', 'msg', 'ct'], aes256)
    convert(gitdir, commit, 'hmac_sha256_test.json', 'hmac_sha256.txt', None,
            ['key', 'msg', 'tag'])
    convert(gitdir, commit, 'hkdf_sha256_test.json', 'hkdf_sha256.txt', None,
            ['ikm', 'salt', 'info', lambda t: t['size'], 'okm'])


if __name__ == '__main__':
    main()
