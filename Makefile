# banzu — every target works with only Go installed (Redis tests skip without
# redis-server unless BANZU_REQUIRE_REDIS=1).
GO ?= go
PKGS := ./...

.PHONY: run test race bench bench-import build vet fmt fuzz clean

run: ## run banzu with the demo company on http://127.0.0.1:8080/
	$(GO) run ./cmd/banzu serve --demo

test: ## the test suite CI runs
	$(GO) test $(PKGS)

race: ## the test suite under the race detector (needs gcc)
	$(GO) test -race $(PKGS)

bench: ## benchmarks: speed and memory targets
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

bench-import: ## whole-process import of 100k and 400k rows: time, rows/s, peak memory
	scripts/bench-import.sh

# Fuzz targets, each for FUZZTIME (CI runs them briefly on every change).
FUZZTIME ?= 10s
FUZZ_TARGETS := ./bot:FuzzParseCommand ./kpi:FuzzImportCSV ./kpi:FuzzImportXLSX ./platform/wecom:FuzzCallbackBody ./platform/dingtalk:FuzzEventBody

fuzz: ## run every fuzz target for FUZZTIME
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/banzu ./cmd/banzu

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

clean:
	rm -rf bin data
