# atlas-release — build, test and release tasks.
#
# The Go toolchain is pinned: archive bytes depend on the compressor of the Go
# release, so every build uses exactly this one (downloaded by the go command from
# the module proxy if the machine has another).
export GOTOOLCHAIN := go1.26.8

GO              ?= go
BIN             := bin/atlas-release
TOOLS           := $(CURDIR)/bin/tools
GOLANGCI_LINT   := $(TOOLS)/golangci-lint
GOLANGCI_VERSION := v2.15.0
# axe-core, the accessibility engine the page tests inject into Chromium:
# scripts/fetchaxe pins its version and sha512, downloads it once and extracts it.
AXE             := $(TOOLS)/axe.min.js
VERSION         ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS         := -s -w -X main.version=$(VERSION)
FUZZTIME        ?= 20s

.PHONY: all build test lint fmt generate demo bench fuzz clean tools

all: build test lint

## build: compile bin/atlas-release and bin/zendesk-sandbox
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/atlas-release
	$(GO) build -trimpath -o bin/zendesk-sandbox ./cmd/zendesk-sandbox

## test: run every test (unit, golden, property, end-to-end scripts)
test: $(AXE)
	$(GO) test -count=1 ./...

## lint: golangci-lint, with the layering rules of ARCHITECTURE.md (depguard)
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

## fmt: format the code
fmt: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) fmt ./...

## generate: regenerate the JSON Schemas from the Go types
generate:
	$(GO) generate ./...

## demo: the main job end to end on the example workspace
demo: build
	./scripts/demo.sh

## bench: benchmarks and measurements, with numbers to report
bench: build
	./scripts/bench.sh

## fuzz: run each fuzz target for FUZZTIME (default 20s)
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

tools: $(GOLANGCI_LINT)

# Fetched again when the pin in scripts/fetchaxe changes.
$(AXE): scripts/fetchaxe/main.go
	$(GO) run ./scripts/fetchaxe $(TOOLS)

$(GOLANGCI_LINT):
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

clean:
	rm -rf bin dist .demo
