# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
CONFIG ?= config/convai.yaml
PORT ?= 8080
# debug builds in a third of the time of release; `make run BUILD=release` for speed.
BUILD ?= debug
SWIFT_BUILD_FLAGS := -c $(BUILD)
CONVAI = $(shell swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/convai

# The tenants of the embedded default and the volume of their sample data.
TENANTS ?= itc nestle unilever
SCALE ?= 1.0

.PHONY: run test bootstrap build migrate seed reseed transform bench clean-data

bootstrap:
	scripts/bootstrap

build: bootstrap
	swift build $(SWIFT_BUILD_FLAGS) --product convai

migrate: build
	$(CONVAI) migrate --config $(CONFIG)

# Seeds a tenant only when it has no sample data yet; `make reseed` regenerates it.
seed: migrate
	@for t in $(TENANTS); do \
	  if $(CONVAI) sql --config $(CONFIG) --tenant $$t "SELECT 1 FROM raw_secondary_sales LIMIT 1" >/dev/null 2>&1; then \
	    echo "$$t: sample data present (make reseed to regenerate)"; \
	  else $(CONVAI) seed --config $(CONFIG) --tenant $$t --scale $(SCALE) || exit 1; fi; \
	done

reseed: migrate
	@for t in $(TENANTS); do $(CONVAI) seed --config $(CONFIG) --tenant $$t --scale $(SCALE) || exit 1; done

transform: seed
	@for t in $(TENANTS); do $(CONVAI) transform --config $(CONFIG) --tenant $$t || exit 1; done

run: transform
	$(CONVAI) serve --config $(CONFIG) --port $(PORT)

test: bootstrap
	scripts/test

# The semantic benchmark reads tenant itc's transformed data, so `transform` comes first.
bench: transform
	swift build -c release --product convai
	$$(swift build -c release --show-bin-path)/convai bench ingest --rows 1000000 --repeat 3
	$$(swift build -c release --show-bin-path)/convai bench seed-transform --tenant itc --scale 1
	$$(swift build -c release --show-bin-path)/convai bench semantic --config $(CONFIG) --tenant itc
	$$(swift build -c release --show-bin-path)/convai bench conversation --config $(CONFIG)
	$$(swift build -c release --show-bin-path)/convai bench observability
	$$(swift build -c release --show-bin-path)/convai bench security --config $(CONFIG)
	$$(swift build -c release --show-bin-path)/convai bench insights --config $(CONFIG)
	$$(swift build -c release --show-bin-path)/convai bench cache --config $(CONFIG)
	@# The engines benchmark writes into a throwaway PostgreSQL, stopped however the run ends.
	eval "$$(scripts/pg-test-server start)" && trap 'scripts/pg-test-server stop "$$CONVAI_TEST_PG_DIR"' EXIT && \
	  $$(swift build -c release --show-bin-path)/convai bench engines --config $(CONFIG) --postgres-url "$$CONVAI_TEST_PG_URL"

clean-data:
	rm -rf data/
