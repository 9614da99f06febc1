# The action's image, built from source with nothing prebuilt. action.yml names
# this file, so `uses: bookverse/promote-action@<branch or SHA>` (or a fork)
# makes the runner build it from the action's files at that ref. The release
# workflow builds the same file once per version tag and pushes it to
# ghcr.io/bookverse/promote-action, and the released tags' action.yml runs that
# image instead, so `@v1` users build nothing.
#
#   docker build -t promote-action:dev .
#
# No BuildKit-only syntax (no `# syntax=` line, no cache mounts): the runner's
# `docker build` may be the legacy builder on a self-hosted runner, and a cache
# mount would not survive a hosted runner anyway.
#
# CI cannot pull the base image, so .ci/run checks what it can without it
# (scripts/clean-clone-build.sh): every COPY source exists in a fresh clone of
# HEAD, the build command below succeeds on exactly the files these COPYs give
# the builder, and the final stage (mirrored by Dockerfile.prebuilt) passes the
# container contract test with the binary that command built.

# Exact tag: Debian 12 and Rust 1.95.0, as in CI, so musl-tools and the
# toolchain match what CI builds with.
FROM rust:1.95.0-slim-bookworm AS build

# musl-tools: musl-gcc, which ring (rustls' crypto) needs to compile its C code
# for the static musl target; file and jq: build-static.sh checks that the
# binary is static and asks cargo where it wrote it. Not version-pinned: the
# tag pins the Debian release, whose archive drops superseded package versions
# (a pin would break every build at the next security update).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools file jq \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the build reads: the manifest and lock file, the sources, the demo
# files src/demo.rs embeds, and the build script. .dockerignore keeps the
# rest of the repository out of the build context.
COPY Cargo.toml Cargo.lock ./
COPY src/ src/
COPY demo/ demo/
COPY scripts/build-static.sh scripts/

# cargo build --release --locked for <arch>-unknown-linux-musl, a static-link
# check and a --version smoke test; the binary lands in /out.
RUN bash scripts/build-static.sh /out

FROM scratch

LABEL org.opencontainers.image.title="promote-action" \
      org.opencontainers.image.description="Promote JFrog AppTrust application versions through their lifecycle, gated by evidence" \
      org.opencontainers.image.source="https://github.com/bookverse/promote-action" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

# The binary alone: it is static (musl), and its TLS roots (webpki-roots) and
# time-zone database (jiff's bundled tzdb) are compiled in, so no shell, CA
# bundle or zoneinfo.
COPY --from=build /out/promote-action /promote-action

# Smoke test in the empty root filesystem: fails the build if the binary is
# not static or cannot start. Exec form: there is no shell.
RUN ["/promote-action", "--version"]

# No USER: GitHub runs container actions as root so they can write to the
# workspace and the file-command files it mounts.
ENTRYPOINT ["/promote-action"]
