# ecoplateau container image: a build stage that compiles the server, and a
# runtime stage with the shared libraries it links and nothing else (no
# compiler, no headers, no shell tools beyond the Debian base).
#
#   docker build -t ecoplateau .
#   docker run -d -p 8080:8080 -v ecoplateau-data:/data ecoplateau
#
# Built and run for real by `make test-docker` (buildah, no Docker engine).
# With buildah or podman, build with `--format docker`: the OCI image format
# has no HEALTHCHECK instruction, and buildah drops it with only a warning.
# Extending it:
#   - a new library: add its -dev package to BUILD_DEBS in the Makefile; the
#     build stage reads that list, and the runtime packages are derived from
#     what the binary links (see runtime-debs below), so nothing else changes;
#   - a package the binary needs at run time without linking it (fonts,
#     certificates): add it to RUNTIME_DEBS in the Makefile;
#   - PWA vendor files (pwa/vendor, gitignored): `make pwa-vendor` copies them
#     from node_modules before the image is built (`make test-docker` does),
#     and `COPY . .` takes pwa/ whole. The build stops if a file the PWA
#     imports from vendor/ is missing. (A node stage was tried: Debian's npm
#     is 384 packages and 2.5 min, and this network's TLS proxy is not
#     trusted inside the build, so the host's npm does it.)

ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
WORKDIR /src
# The Makefile is the one list of build packages (BUILD_DEBS); copied alone
# first so that this slow layer stays cached while the sources change.
COPY Makefile ./
RUN set -eu; \
    debs=$(awk '/^BUILD_DEBS[ \t]*:?=/ { sub(/^[^=]*=/, ""); on = 1 }; \
                on { cont = sub(/\\[ \t]*$/, ""); printf "%s ", $0; if (!cont) exit }' Makefile); \
    test -n "$debs"; \
    apt-get update -q; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $debs; \
    rm -rf /var/lib/apt/lists/*
COPY . .
RUN set -eu; \
    for f in $(grep -rhoE "vendor/[A-Za-z0-9._-]+\.js" pwa --include=*.js --include=*.html | sort -u); do \
        test -f "pwa/$f" || { echo "pwa/$f missing: run 'make pwa-vendor' first" >&2; exit 1; }; \
    done; \
    rm -rf build; \
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF -DEP_BENCH=OFF >/dev/null; \
    cmake --build build -j"$(nproc)" --target ecoplateau; \
    mkdir -p /out; \
    install -m 0755 -s build/backend/ecoplateau /out/ecoplateau; \
    /out/ecoplateau version
# runtime-debs: the Debian package owning each shared library the binary
# links, so the runtime stage installs exactly those and nothing by hand,
# plus the Makefile's RUNTIME_DEBS (data the binary opens, e.g. fonts).
RUN set -eu; \
    extra=$(awk '/^RUNTIME_DEBS[ \t]*:?=/ { sub(/^[^=]*=/, ""); on = 1 }; \
                 on { cont = sub(/\\[ \t]*$/, ""); printf "%s ", $0; if (!cont) exit }' Makefile); \
    { for lib in $(ldd /out/ecoplateau | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do \
        real=$(readlink -f "$lib"); \
        { dpkg -S "$lib" || dpkg -S "$real" || dpkg -S "${real#/usr}" || dpkg -S "/usr$real" \
          || echo "MISSING: $lib"; } 2>/dev/null | head -n 1; \
      done | cut -d: -f1; \
      for p in $extra; do echo "$p"; done; } | sort -u > /out/runtime-debs.txt; \
    cat /out/runtime-debs.txt; \
    ! grep -q MISSING /out/runtime-debs.txt

FROM ${DEBIAN_IMAGE} AS runtime
ARG EP_VERSION=dev
ARG EP_REVISION=unknown
ARG EP_CREATED=unknown
COPY --from=build /out/runtime-debs.txt /tmp/runtime-debs.txt
RUN set -eu; \
    apt-get update -q; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        $(cat /tmp/runtime-debs.txt); \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/runtime-debs.txt; \
    useradd --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin ecoplateau; \
    mkdir -p /data; \
    chown 10001:10001 /data; \
    chmod 0700 /data
COPY --from=build /out/ecoplateau /usr/local/bin/ecoplateau
COPY --from=build /src/deploy/backup-loop.sh /usr/local/bin/ecoplateau-backup-loop
# Owned by root, read-only to the server: the app it serves cannot be altered.
COPY --from=build /src/pwa /usr/share/ecoplateau/pwa

# Configuration is EP_* variables (README "Configuration"); secrets come from
# files, e.g. EP_SECRET_KEY_FILE=/run/secrets/ecoplateau_key, never values.
ENV EP_BIND=0.0.0.0 \
    EP_PORT=8080 \
    EP_DATA_DIR=/data \
    EP_PWA_DIR=/usr/share/ecoplateau/pwa \
    EP_LOG_LEVEL=info
# The SQLite database (WAL) and keys: a local volume, never a network share.
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
WORKDIR /data
# The binary is its own probe: slim has no curl. 3 s socket timeout inside.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/ecoplateau", "healthcheck"]
# ecoplateau runs as PID 1 itself: it blocks SIGTERM and waits for it with
# sigwait(), so the kernel's PID 1 rule (no default action) does not apply;
# on SIGTERM it finishes in-flight requests and closes the database. It
# starts no child processes, so there is nothing to reap and no init needed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ecoplateau"]
CMD ["serve"]

LABEL org.opencontainers.image.title="ecoplateau" \
      org.opencontainers.image.description="Eco-responsible film production tracking: offline PWA, sync server, SQLite" \
      org.opencontainers.image.version="${EP_VERSION}" \
      org.opencontainers.image.revision="${EP_REVISION}" \
      org.opencontainers.image.created="${EP_CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim" \
      org.opencontainers.image.documentation="deploy/README.md"
