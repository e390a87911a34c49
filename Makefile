# ecoplateau - the two commands of the README, and a few helpers.
#   make run    build in Release, start on http://localhost:8080 with the demo
#   make test   build with ASan+UBSan and -Werror, run every test via ctest
# Each installs what it needs first (Debian packages, npm test tools) and
# skips what is already there.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PORT ?= 8080

# Debian packages: to build and run; then what the tests add.
BUILD_DEBS := build-essential cmake pkg-config libcivetweb-dev libsqlite3-dev \
              libjansson-dev libsodium-dev libcurl4-openssl-dev
TEST_DEBS  := libcmocka-dev sqlite3 curl clang libclang-rt-14-dev
LINT_DEBS  := clang-format clang-tidy

.PHONY: all run test lint bench deps-build deps-test clean

all: build/release/backend/ecoplateau

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
	$(call apt_install,$(BUILD_DEBS))

deps-test: deps-build
	$(call apt_install,$(TEST_DEBS))

build/release/backend/ecoplateau: deps-build FORCE
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DEP_TESTS=OFF >/dev/null
	cmake --build build/release -j$(JOBS)

run: build/release/backend/ecoplateau
	mkdir -p data
	./build/release/backend/ecoplateau serve --demo --port $(PORT) --data-dir ./data --pwa-dir ./pwa

test: deps-test
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DEP_SANITIZE=ON -DEP_WERROR=ON >/dev/null
	cmake --build build/asan -j$(JOBS)
	cd build/asan && ctest --output-on-failure -j$(JOBS)
	CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DEP_FUZZ=ON -DEP_SANITIZE=ON -DEP_WERROR=ON >/dev/null
	cmake --build build/fuzz -j$(JOBS) --target ep_fuzzers
	cd build/fuzz && ctest --output-on-failure -L fuzz

lint: deps-test
	$(call apt_install,$(LINT_DEBS))
	cmake -S . -B build/lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	cmake --build build/lint -j$(JOBS)
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')
	clang-tidy -p build/lint --quiet --warnings-as-errors='*' $$(git ls-files 'backend/*.c' 'sync/*.c')

clean:
	rm -rf build

FORCE:
