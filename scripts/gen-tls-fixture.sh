#!/usr/bin/env bash
# A private CA and a loopback server certificate signed by it, for the tests that serve the
# simulator over TLS (tests/it/tls.rs: HTTP/2 negotiated by ALPN, one connection per host).
# Made by openssl (Debian's); ECDSA P-256 keys; valid for 100 years so the tests never expire.
#   scripts/gen-tls-fixture.sh   → tests/fixtures/tls/{ca.pem,server.pem,server.key}
set -euo pipefail
out="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/fixtures/tls"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
  -subj "/CN=promote-action test CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
cat > ext.cnf <<CNF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
CNF
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 \
  -extfile ext.cnf -out server.pem 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in server.key -out "$out/server.key"
cp ca.pem server.pem "$out/"
echo "wrote $out/ca.pem, server.pem, server.key"
