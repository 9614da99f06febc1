# Container image from a prebuilt static binary: local development, CI's
# container contract test (scripts/container-contract.sh), and a self-test
# workflow that runs `uses: ./` after building the binary.
#
# Build the binary first; it lands in dist/ inside this build context:
#   scripts/build-static.sh && docker build -t promote-action:dev .
#
# The released image is built by Dockerfile.release, which compiles from
# source in a builder stage and needs nothing prebuilt.
#
# No shell, no CA bundle, no zoneinfo: the binary is static (musl), its TLS
# roots (webpki-roots) and time zone database (jiff's bundled tzdb) are
# compiled in.
FROM scratch

LABEL org.opencontainers.image.title="promote-action" \
      org.opencontainers.image.description="Promote JFrog AppTrust application versions through their lifecycle, gated by evidence" \
      org.opencontainers.image.source="https://github.com/bookverse/promote-action" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

COPY dist/promote-action /promote-action

# Smoke test: proves the binary runs in an empty root filesystem. Exec form
# because there is no /bin/sh in a scratch image.
RUN ["/promote-action", "--version"]

# No USER: GitHub runs container actions as root so they can write to the
# workspace and the file-command files it mounts.
ENTRYPOINT ["/promote-action"]
