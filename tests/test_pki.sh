#!/usr/bin/env bash
# tests/test_pki.sh DIR: a private CA and a server certificate it signed, made with openssl, for
# the suites that run hathora-rooms-server over HTTPS (tests/python, tests/native, tests/csharp):
# DIR/ca.pem (what clients trust), DIR/server.pem and DIR/server.key (what --tls-cert and
# --tls-key serve), for 127.0.0.1 and localhost, valid for 2 days. RSA keys: Mono's X509Chain
# (the C# suite's admin requests) cannot read EC keys; the Rust tests cover EC certificates.
# DIR is created; earlier files in it are replaced.
set -euo pipefail
command -v openssl >/dev/null || { echo "tests/test_pki.sh: openssl is missing (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$1"
cd "$1"
rm -f ca.pem ca.key ca.srl server.pem server.key server.csr server.ext
# Quiet unless something fails: openssl prints its progress on stderr.
quietly() {
    local log
    log=$("$@" 2>&1) || { echo "$log" >&2; return 1; }
}
quietly openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -subj "/CN=hathora-rooms test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout ca.key -out ca.pem
quietly openssl req -newkey rsa:2048 -nodes \
    -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
quietly openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.pem
rm -f ca.key ca.srl server.csr server.ext
