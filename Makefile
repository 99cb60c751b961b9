# The README's two commands (`make demo`, `make test`) and a few helpers. Each target installs
# what is missing first, so a fresh Debian 12 machine needs nothing else.
.PHONY: demo test deps build build-asan test-fast bench fuzz clean

deps:
	@./packaging/install-deps.sh

build: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan

demo: build
	@./packaging/demo/run-demo.sh

# Every test, on the normal build and again under AddressSanitizer + UBSan.
test: build build-asan
	ctest --preset default
	ctest --preset asan

test-fast: build
	ctest --preset default

bench: build
	@./packaging/install-deps.sh --with-bench
	@./tests/bench/kiosk_vs_chromium.sh
	@./tests/bench/outbox.sh
	@./build/tests/bench/hub_ingest_bench
	@./build/tests/bench/drain_bench
	@rm -rf build/bench/frame-chaos && mkdir -p build/bench/frame-chaos
	@./build/tests/bench/frame_bench --config packaging/demo/kiosk.toml --driver offscreen --frames 720 \
	  --data-dir build/bench/frame-chaos --delivery-chaos 50000 2>/dev/null

# The QR token parser under libFuzzer + ASan + UBSan, 1,000,000 inputs (FUZZ_RUNS=... for more).
# Builds only the token sources with clang, in build-fuzz/; not part of `make test`.
fuzz:
	@./packaging/install-deps.sh --with-fuzz
	@./tests/fuzz/run-fuzz.sh

clean:
	rm -rf build build-asan build-fuzz
