# make demo   - the main job: issue a token, serve its JWKS on 127.0.0.1, verify it through the package
# make test   - every test layer (installs what it needs on first run)
# make build  - the npm package in pkg/ (wasm in pkg/dist/)
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
WASM_OPT := tools/node_modules/.bin/wasm-opt
ESBUILD := tools/node_modules/.bin/esbuild
WASM := pkg/dist/powersync_jwt_bg.wasm
ISSUING_WASM := pkg/dist/powersync_jwt_issuing_bg.wasm
FALLBACK_WASM := pkg/dist/powersync_jwt_fallback_bg.wasm
# -ocimfs=100: a function with one caller is inlined only when small. The
# engines compile each wasm function on its first call, and -Oz would
# otherwise fold every curve's check (~70 KB) into the function an HMAC
# check also runs, to be compiled before the first HS256 verification.
WASM_OPT_FLAGS := -Oz -ocimfs=100 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue
SRC := $(shell find src -name '*.rs') Cargo.toml Cargo.lock $(wildcard pkg/entries/*.mjs) pkg/api.mjs $(wildcard pkg/lib/*.mjs) pkg/issuing-api.mjs pkg/node-crypto.mjs pkg/webcrypto.mjs Makefile

.DELETE_ON_ERROR:
.PHONY: setup build demo bench test test-rust test-wasm test-node test-fuzz fuzz lint clean
FUZZ_SECONDS ?= 300
.DEFAULT_GOAL := test

setup:
	@scripts/setup.sh

build: setup $(WASM) pkg/dist/index.d.cts pkg/dist/issuing.d.cts pkg/README.md

# CommonJS consumers' types: the same declarations, read as CommonJS (.d.cts).
pkg/dist/index.d.cts: pkg/index.d.ts $(WASM)
	cp pkg/index.d.ts $@

# The same for powersync-jwt/issuing, its types imported from dist/index.d.cts.
pkg/dist/issuing.d.cts: pkg/issuing.d.ts $(WASM)
	sed "s#from './index.js'#from './index.cjs'#" pkg/issuing.d.ts > $@
	grep -q "from './index.cjs'" $@

pkg/README.md: README.md
	cp README.md pkg/README.md

# Three modules from one crate, each with only its feature's bindings: the
# verifier (loaded at start by the main entry points; no RSA, ECDSA or EdDSA
# arithmetic: the runtime's crypto checks those), the pure-Rust signature
# checks (loaded on first need) and the issuing module (key generation,
# signing: powersync-jwt/issuing only).
$(WASM): $(SRC)
	@echo "[build] wasm-pack (release, web target): the verifier module"
	wasm-pack build --release --target web --mode no-install --no-pack --out-dir pkg/dist --out-name powersync_jwt \
	  -- --no-default-features --features verifier
	@echo "[build] wasm-pack (release, web target): the pure-Rust signature module"
	wasm-pack build --release --target web --mode no-install --no-pack --out-dir pkg/dist --out-name powersync_jwt_fallback \
	  -- --no-default-features --features fallback
	@echo "[build] wasm-pack (release, web target): the issuing module"
	wasm-pack build --release --target web --mode no-install --no-pack --out-dir pkg/dist --out-name powersync_jwt_issuing \
	  -- --no-default-features --features issue
	rm -f pkg/dist/.gitignore pkg/dist/package.json pkg/dist/README.md
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(WASM) -o $(WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(ISSUING_WASM) -o $(ISSUING_WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(FALLBACK_WASM) -o $(FALLBACK_WASM)
	@echo "[build] dist/node.mjs, dist/issuing.mjs (ESM) and dist/node.cjs, dist/issuing.cjs (CommonJS): one file each; dist/wasm-base64.mjs and dist/fallback-base64.mjs (inline entry)"
	$(ESBUILD) pkg/entries/node-esm.mjs --bundle --format=esm --platform=node --outfile=pkg/dist/node.mjs --log-level=warning
	$(ESBUILD) pkg/entries/node-cjs.mjs --bundle --format=cjs --platform=node --outfile=pkg/dist/node.cjs \
	  --log-level=warning --log-override:empty-import-meta=silent
	# The issuing bundles import the main bundle (its error classes) rather than copy it.
	$(ESBUILD) pkg/entries/issuing-node-esm.mjs --bundle --format=esm --platform=node --outfile=pkg/dist/issuing.mjs \
	  --external:../dist/node.mjs --log-level=warning
	$(ESBUILD) pkg/entries/issuing-node-cjs.mjs --bundle --format=cjs --platform=node --outfile=pkg/dist/issuing.cjs \
	  --external:../dist/node.cjs --log-level=warning --log-override:empty-import-meta=silent
	node -e 'const fs=require("fs");for(const [w,o] of [["$(WASM)","wasm-base64"],["$(FALLBACK_WASM)","fallback-base64"]])fs.writeFileSync("pkg/dist/"+o+".mjs","export default \""+fs.readFileSync(w).toString("base64")+"\";\n")'
	@node scripts/smoke.mjs
	@printf '[build] %s: %s bytes, %s gzipped\n' $(WASM) $$(stat -c %s $(WASM)) $$(gzip -9c $(WASM) | wc -c)
	@printf '[build] %s: %s bytes, %s gzipped\n' $(FALLBACK_WASM) $$(stat -c %s $(FALLBACK_WASM)) $$(gzip -9c $(FALLBACK_WASM) | wc -c)
	@printf '[build] %s: %s bytes, %s gzipped\n' $(ISSUING_WASM) $$(stat -c %s $(ISSUING_WASM)) $$(gzip -9c $(ISSUING_WASM) | wc -c)

demo: build
	@node scripts/demo.mjs

# Figures, not a test: this package vs jose and fast-jwt in one Node process.
bench: build
	@node scripts/bench.mjs

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	# The three shipped modules' feature sets (see the wasm build rule).
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features verifier -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features fallback -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features issue -- -D warnings

test-rust:
	cargo test --release --lib --tests
	cargo test --doc

# wasm-pack test silently runs nothing when tests are not set up for the
# runner, so each run must report the number of wasm tests in tests/wasm.rs.
WASM_TESTS := $(shell grep -c '^\#\[wasm_bindgen_test\]' tests/wasm.rs)
# WebKitGTK reaches 127.0.0.1 only: everything else goes to a proxy that is not there.
WEBKIT_ENV := http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=127.0.0.1
test-wasm: setup
	mkdir -p target
	set -o pipefail; wasm-pack test --node --release --mode no-install -- --test wasm 2>&1 | tee target/wasm-node.log
	grep "test result: ok. $(WASM_TESTS) passed" target/wasm-node.log >/dev/null
	set -o pipefail; WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver \
	  --release --mode no-install -- --test wasm 2>&1 | tee target/wasm-chrome.log
	grep "test result: ok. $(WASM_TESTS) passed" target/wasm-chrome.log >/dev/null
	grep "Running headless tests in Chrome" target/wasm-chrome.log >/dev/null
	set -o pipefail; WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --firefox --geckodriver $$(command -v geckodriver) \
	  --release --mode no-install -- --test wasm 2>&1 | tee target/wasm-firefox.log
	grep "test result: ok. $(WASM_TESTS) passed" target/wasm-firefox.log >/dev/null
	grep "Running headless tests in Firefox" target/wasm-firefox.log >/dev/null
	# WebKitGTK: wasm-pack has no runner for it; wasm-bindgen-test-runner takes
	# WebKitWebDriver as a Safari-style driver (it starts MiniBrowser with
	# --automation by default), on an Xvfb display.
	set -o pipefail; CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_USE_BROWSER=1 \
	  SAFARIDRIVER=$$(command -v WebKitWebDriver) $(WEBKIT_ENV) xvfb-run -a \
	  cargo test --target wasm32-unknown-unknown --release --test wasm 2>&1 | tee target/wasm-webkit.log
	grep "test result: ok. $(WASM_TESTS) passed" target/wasm-webkit.log >/dev/null
	grep "Running headless tests in Safari" target/wasm-webkit.log >/dev/null

test-node: build
	node --test tests/node/

# The short fuzzing pass of make test; make fuzz runs longer (FUZZ_SECONDS per target).
test-fuzz: setup
	scripts/fuzz.sh 45

fuzz: setup
	scripts/fuzz.sh $(FUZZ_SECONDS)

test: setup lint test-rust test-wasm test-fuzz test-node
	@echo "[test] all layers passed"

clean:
	rm -rf pkg/dist target tests/.tmp
