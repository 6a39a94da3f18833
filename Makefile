# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
CONFIG ?= config/convai.yaml
PORT ?= 8080
# debug builds in a third of the time of release; `make run BUILD=release` for speed.
BUILD ?= debug
SWIFT_BUILD_FLAGS := -c $(BUILD)
CONVAI = $(shell swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/convai

.PHONY: run test bootstrap build migrate bench clean-data

bootstrap:
	scripts/bootstrap

build: bootstrap
	swift build $(SWIFT_BUILD_FLAGS) --product convai

migrate: build
	$(CONVAI) migrate --config $(CONFIG)

run: migrate
	$(CONVAI) serve --config $(CONFIG) --port $(PORT)

test: bootstrap
	scripts/test

bench: bootstrap
	swift build -c release --product convai
	$$(swift build -c release --show-bin-path)/convai bench ingest --rows 1000000 --repeat 3

clean-data:
	rm -rf data/
