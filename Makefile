# ecoplateau - the two commands of the README, and a few helpers.
#   make run    build in Release, start on http://localhost:8080 with the demo
#   make test   build with ASan+UBSan and -Werror, run every test via ctest
# Each installs what it needs first (Debian packages, npm test tools) and
# skips what is already there.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PORT ?= 8080

# Debian packages: to build and run; then what the tests add. The Dockerfile
# reads BUILD_DEBS from here. zlib1g-dev: xlsxwriter.pc links -lz, but
# libxlsxwriter-dev does not depend on zlib1g-dev.
BUILD_DEBS := build-essential cmake pkg-config libcivetweb-dev libsqlite3-dev \
              libjansson-dev libsodium-dev libcurl4-openssl-dev \
              libqrencode-dev libxlsxwriter-dev zlib1g-dev libcairo2-dev libpango1.0-dev \
              fonts-dejavu-core libical-dev libzip-dev libbrotli-dev
# Needed at run time besides the libraries the binary links (the Dockerfile's
# runtime stage installs these and the linked libraries' packages).
# tzdata: libical reads Europe/Paris from the system zone files (invitations);
# espeak-ng: the program that reads communications aloud (backend/render/audio.c);
# ca-certificates: libcurl checks the SMTP server's certificate (STARTTLS, smtps);
# poppler-utils: pdftoppm draws the flyer and call sheet as pictures in previews
# (backend/render/pageimg.c).
RUNTIME_DEBS := fonts-dejavu-core tzdata espeak-ng ca-certificates poppler-utils
# libreoffice-writer-nogui: test_dossier opens the dossier's ODT export in LibreOffice;
# libreoffice-impress-nogui: test_oral_http opens the oral defence's ODP.
TEST_DEBS  := libcmocka-dev sqlite3 curl clang libclang-rt-14-dev chromium \
              poppler-utils qpdf python3-openpyxl python3-aiosmtpd python3-icalendar libreoffice-writer-nogui libreoffice-impress-nogui
# Node for the PWA's vendor step and its tests: installed from Debian only when
# no node/npm is on PATH (NodeSource's nodejs provides npm and conflicts with
# Debian's npm package, so checking the package names would break it).
NODE_DEBS  := nodejs npm
LINT_DEBS  := clang-format clang-tidy
DOCKER_DEBS := buildah debootstrap jq sqlite3 curl
BENCH_DEBS := sqlite3 curl

.PHONY: all run mail-sink test test-docker lint hooks bench bench-load bench-footprint bench-weak bench-lighthouse deps-build deps-test deps-node pwa-vendor clean

all: hooks build/release/backend/ecoplateau

# The repository's git hooks (.githooks: commit subjects of at most 72
# characters), for every clone that runs make; nothing outside a git clone.
hooks:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && \
	  [ "$$(git config core.hooksPath)" != .githooks ]; then \
	  git config core.hooksPath .githooks && echo "git hooks: .githooks"; fi

# Installs the missing packages among $(1); root runs apt-get, others sudo.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_DEBS) $(RUNTIME_DEBS))

deps-test: deps-build
	$(call apt_install,$(TEST_DEBS))

deps-node:
	$(if $(shell command -v node && command -v npm),,$(call apt_install,$(NODE_DEBS)))

# npm libraries pinned in package-lock.json: `npm ci` when node_modules is
# missing or older than the lock file, then the runtime ones go to pwa/vendor
# (gitignored; the PWA imports them as plain ES modules). Last, sw.js's SHELL
# and VERSION are written from the shell files (cmake/sw_shell.mjs).
pwa-vendor: deps-node hooks
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --ignore-scripts --no-audit --no-fund; fi
	@mkdir -p pwa/vendor && cp node_modules/idb/build/index.js pwa/vendor/idb.js
	@node cmake/sw_shell.mjs

build/release/backend/ecoplateau: deps-build FORCE
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF >/dev/null
	cmake --build build/release -j$(JOBS)

# A local SMTP server that prints every message it receives (Debian's
# python3-aiosmtpd): run it, then `EP_SMTP_URL=smtp://127.0.0.1:2525 make run`.
mail-sink:
	/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Debugging

run: build/release/backend/ecoplateau pwa-vendor
	mkdir -p data
	./build/release/backend/ecoplateau serve --demo --port $(PORT) --data-dir ./data --pwa-dir ./pwa

test: deps-test pwa-vendor
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DEP_SANITIZE=ON -DEP_WERROR=ON >/dev/null
	cmake --build build/asan -j$(JOBS)
	cd build/asan && ctest --output-on-failure -j$(JOBS)
	CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DEP_FUZZ=ON -DEP_SANITIZE=ON -DEP_WERROR=ON >/dev/null
	cmake --build build/fuzz -j$(JOBS) --target ep_fuzzers
	cd build/fuzz && ctest --output-on-failure -L fuzz

# Builds the Dockerfile with buildah (no Docker engine needed) on a debootstrap
# base image, runs it, checks health, restart, backup and restore. As root.
test-docker: pwa-vendor
	$(call apt_install,$(DOCKER_DEBS))
	tests/docker/test_docker.sh $(CURDIR)

# Every check is an error: clang-format and clang-tidy on the C (.clang-tidy
# says which checks), ESLint (eslint.config.js) and Prettier (.prettierrc.json)
# on the JS of pwa/ and tests/. CI runs it (.ci/run).
JS_LINT := pwa tests cmake/sw_shell.mjs eslint.config.js
JS_FORMAT := 'pwa/**/*.js' 'tests/**/*.{js,mjs}' cmake/sw_shell.mjs eslint.config.js

lint: deps-test pwa-vendor
	$(call apt_install,$(LINT_DEBS))
	cmake -S . -B build/lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	cmake --build build/lint -j$(JOBS)
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')
	git ls-files 'backend/*.c' 'sync/*.c' | xargs -P$(JOBS) -n8 \
	  clang-tidy -p build/lint --quiet --warnings-as-errors='*' 2>&1 | grep -v 'warnings generated'; \
	  test $${PIPESTATUS[1]} -eq 0
	node_modules/.bin/eslint --max-warnings 0 $(JS_LINT)
	node_modules/.bin/prettier --check $(JS_FORMAT)

# The sync benchmark (bench/README.md; not part of `make test`): ecoplateau against
# pouchdb-server (pinned in bench/package-lock.json, in-memory) and the raw
# SQLite ceiling, same workload, same run; Release build in build/bench. Pass
# workload options with BENCH_ARGS="--crew 10 ..." (bench/README.md).
bench: deps-build deps-node
	$(call apt_install,$(BENCH_DEBS))
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF -DEP_BENCH=ON >/dev/null
	cmake --build build/bench -j$(JOBS) --target ecoplateau ep_setup ep_load ep_ceiling
	@if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then \
	  cd bench && npm ci --ignore-scripts --no-audit --no-fund; fi
	bench/run.sh build/bench $(BENCH_ARGS)

# The load of bench/README.md: 200 phones syncing 10 readings about once a second (about
# 2,000 ops/s offered) against ecoplateau and pouchdb-server, p50/p99 and RSS.
bench-load:
	EP_BENCH_THREADS=$${EP_BENCH_THREADS:-256} $(MAKE) bench BENCH_ARGS="--crew 200 --readings 200 \
	  --batch 10 --interval-ms 1000 --edit-every 0 --referents 2 --ref-edits 40 --pull-limit 100"

# The weak-link benchmark (bench/README.md, "Weak link"): one crew phone in headless
# Chromium over emulated EDGE, 3G and lossy 3G, ecoplateau against pouchdb-server in the
# same run; Release server in build/bench, Debian's chromium, playwright-core from the
# PWA's npm tools. Options in BENCH_ARGS ("--readings 200 --links edge,3g").
bench-weak: deps-build pwa-vendor
	$(call apt_install,chromium)
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF -DEP_BENCH=ON >/dev/null
	cmake --build build/bench -j$(JOBS) --target ecoplateau
	@if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then \
	  cd bench && npm ci --ignore-scripts --no-audit --no-fund; fi
	EP_BIN=build/bench/backend/ecoplateau node bench/weaklink.mjs $(BENCH_ARGS)

# Lighthouse 12 (mobile preset) on the login page, the pairing link and Ma
# journée (bench/README.md, "Weak link"); lighthouse is installed on demand
# into build/lighthouse by bench/lighthouse.sh, not listed in package.json.
bench-lighthouse: deps-build pwa-vendor
	$(call apt_install,chromium)
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF -DEP_BENCH=ON >/dev/null
	cmake --build build/bench -j$(JOBS) --target ecoplateau
	bench/lighthouse.sh $(BENCH_ARGS)

# The footprint computed over 1,000,000 readings on a real SQLite file.
bench-footprint: deps-build
	cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF -DEP_BENCH=ON >/dev/null
	cmake --build build/bench -j$(JOBS) --target bench_footprint
	build/bench/bench/bench_footprint 1000000 $${TMPDIR:-/tmp}

clean:
	rm -rf build

FORCE:
