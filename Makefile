# dlcs-recalculators
#
#   make            static release binaries in build/bin (musl, stripped)
#   make test       every test: unit (glibc + ASan/UBSan), integration
#                   against a PostgreSQL the tests start, static checks
#   make demo       a throwaway database with drift, both jobs, before/after
#   make bench      both jobs on generated databases of BENCH_IMAGES (1M)
#                   and 4x that: time against the scan floor, memory, WAL,
#                   the API's stall (tests/bench/run.sh)
#   make lint       clang-format check, clang-tidy, cppcheck, shellcheck
#   make deps       only the pinned dependencies (deps/lock), cached
#
# The dependencies are built from Debian source packages pinned in
# deps/lock (deps/fetch.sh, deps/build.sh) into DEPS_CACHE, keyed by the
# hash of the lock and the build script, so a second make does not rebuild.

VERSION     := $(shell cat VERSION)
GIT_REV     := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DEPS_CACHE  ?= $(HOME)/.cache/dlcs-recalculators
DEPS_KEY    := $(shell cat deps/lock deps/build.sh | sha256sum | cut -c1-16)
DEPS_SRC    := $(DEPS_CACHE)/src
MUSL_PREFIX := $(DEPS_CACHE)/$(DEPS_KEY)/musl
GLIBC_PREFIX:= $(DEPS_CACHE)/$(DEPS_KEY)/glibc
JSMN_VERSION:= $(shell awk '$$1 == "jsmn" { split($$2, v, "-"); print v[1] }' deps/lock)

# Reproducible builds: the timestamp of the last commit unless given.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1735689600)
export SOURCE_DATE_EPOCH

BUILD   ?= build
JOBS    := entity-counter-recalculator customer-storage-recalculator
PKG_SRC := $(sort $(wildcard pkg/*/*.c))
HEADERS := $(wildcard pkg/*/*.h)
BIN     := $(addprefix $(BUILD)/bin/,$(JOBS))

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla
DEFS     = -DDR_VERSION='"$(VERSION)"' -DDR_GIT_REVISION='"$(GIT_REV)"' \
           -DDR_JSMN_VERSION='"$(JSMN_VERSION)"'
LIBS    := -lpq -lpgcommon -lpgport -lssl -lcrypto -lcurl -lmbedtls \
           -lmbedx509 -lmbedcrypto -lpthread

# Release: static-pie on musl, full RELRO, stack protector.  musl has no
# _FORTIFY_SOURCE support, so it is not set there (README: Hardening).
MUSL_CC       = $(MUSL_PREFIX)/musl/bin/musl-gcc
RELEASE_FLAGS = -std=c11 -O2 -fPIE -fstack-protector-strong \
                -ffunction-sections -fdata-sections \
                -ffile-prefix-map=$(CURDIR)=. $(WARN) \
                -DDR_LIBC='"musl 1.2.5"' -I$(MUSL_PREFIX)/include
RELEASE_LINK  = -static-pie -Wl,-z,relro,-z,now -Wl,--gc-sections \
                -Wl,--build-id=none -s -L$(MUSL_PREFIX)/lib

# Tests: glibc with AddressSanitizer and UndefinedBehaviorSanitizer, and
# _FORTIFY_SOURCE, linked against the same library versions.
SAN_CC    ?= gcc
SAN_FLAGS  = -std=c11 -g -O1 -fno-omit-frame-pointer \
             -fsanitize=address,undefined -fno-sanitize-recover=all \
             -D_FORTIFY_SOURCE=2 $(WARN) -DDR_LIBC='"glibc (test build)"' \
             -I$(GLIBC_PREFIX)/include
SAN_LINK   = -fsanitize=address,undefined -L$(GLIBC_PREFIX)/lib

# Keep the objects between runs; only they, not the dependency stamps,
# which must be rebuilt whenever they are missing.
MAIN_SRC  := $(wildcard cmd/*/main.c)
MUSL_OBJS := $(patsubst %.c,$(BUILD)/musl/%.o,$(PKG_SRC) $(MAIN_SRC))
SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/%.o,$(PKG_SRC) $(MAIN_SRC))
.SECONDARY: $(MUSL_OBJS) $(SAN_OBJS)

.PHONY: all deps san fuzz images tools test demo bench lint fmt clean sizes

all: $(BIN) sizes

# ---- dependencies ---------------------------------------------------------

# Stamps are named by content hashes, not ordered by file times: a fresh
# clone's files are all new, and must still find the cache warm.
LOCK_KEY := $(shell sha256sum deps/lock | cut -c1-16)
VERIFIED := $(DEPS_SRC)/.verified-$(LOCK_KEY)

$(VERIFIED):
	sh deps/apt-setup.sh build
	sh deps/fetch.sh $(DEPS_SRC)
	touch $@

$(MUSL_PREFIX)/.built: | $(VERIFIED)
	sh deps/build.sh musl $(DEPS_SRC) $(MUSL_PREFIX)
	touch $@

$(GLIBC_PREFIX)/.built: | $(VERIFIED)
	sh deps/build.sh glibc $(DEPS_SRC) $(GLIBC_PREFIX)
	touch $@

deps: $(MUSL_PREFIX)/.built $(GLIBC_PREFIX)/.built

# ---- release binaries -----------------------------------------------------

$(BUILD)/musl/%.o: %.c $(HEADERS) $(MUSL_PREFIX)/.built VERSION
	@mkdir -p $(dir $@)
	@echo "  CC      $<"; $(MUSL_CC) $(RELEASE_FLAGS) $(DEFS) -c $< -o $@

$(BUILD)/bin/%: $(BUILD)/musl/cmd/%/main.o $(PKG_SRC:%.c=$(BUILD)/musl/%.o)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(RELEASE_LINK) -o $@ $^ $(LIBS)

sizes: $(BIN)
	@echo "release binaries (static, stripped):"
	@for b in $(BIN); do printf '  %-45s %8d bytes\n' $$b $$(stat -c %s $$b); done

# ---- sanitizer build and tests --------------------------------------------

$(BUILD)/san/%.o: %.c $(HEADERS) $(GLIBC_PREFIX)/.built VERSION
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"; $(SAN_CC) $(SAN_FLAGS) $(DEFS) -c $< -o $@

$(BUILD)/san/bin/%: $(BUILD)/san/cmd/%/main.o $(PKG_SRC:%.c=$(BUILD)/san/%.o)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_LINK) -o $@ $^ $(LIBS) -lm

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/san/tests/%: tests/unit/%.c $(PKG_SRC:%.c=$(BUILD)/san/%.o)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(DEFS) $(SAN_LINK) -o $@ $^ $(LIBS) -lm -lcmocka

san: $(addprefix $(BUILD)/san/bin/,$(JOBS)) $(UNIT_TESTS)

# Fuzz targets: clang's libFuzzer with ASan/UBSan over the parsers of what
# AWS endpoints return; tests/integration/t0800-fuzz.sh runs them briefly.
FUZZ_SRC  := pkg/aws/parse.c pkg/json/json.c pkg/log/log.c \
             $(wildcard pkg/util/*.c)
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS = -std=c11 -g -O1 -Wall -Werror -fsanitize=fuzzer,address,undefined \
             -I$(GLIBC_PREFIX)/include

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) $(HEADERS) $(GLIBC_PREFIX)/.built
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC)

fuzz: $(FUZZ_BIN)

test:
	sh deps/apt-setup.sh all
	$(MAKE) all san fuzz images tools
	TOOLS_DIR=$(TOOLS_DIR) tests/run.sh

demo:
	sh deps/apt-setup.sh all
	$(MAKE) all
	tests/demo.sh

BENCH_IMAGES ?= 1000000
BENCH_SCALING ?= 1

bench:
	sh deps/apt-setup.sh bench
	$(MAKE) all
	BENCH_IMAGES=$(BENCH_IMAGES) BENCH_SCALING=$(BENCH_SCALING) \
		tests/bench/run.sh

# ---- container images ---------------------------------------------------

CONTAINER_ENGINE ?= docker
IMAGE_REPO       ?= dlcs
IMAGE_TAG        ?= $(VERSION)
LICENSE          ?= NOASSERTION
CA_BUNDLE        := $(BUILD)/image/ca-certificates.crt

$(CA_BUNDLE): deps/image.lock deps/ca-bundle.sh
	@mkdir -p $(dir $@)
	sh deps/ca-bundle.sh $(DEPS_CACHE)/image $@

# The root filesystem of one image, every file and directory stamped with
# SOURCE_DATE_EPOCH and given fixed modes, so the layer is reproducible.
$(BUILD)/image/%/rootfs: $(BUILD)/bin/% $(CA_BUNDLE)
	rm -rf $@ && mkdir -p $@/etc/ssl/certs
	install -m 0755 $< $@/recalculator
	install -m 0644 $(CA_BUNDLE) $@/etc/ssl/certs/ca-certificates.crt
	install -m 0644 $(CA_BUNDLE) $@/etc/ssl/cert.pem
	chmod 0755 $@ $@/etc $@/etc/ssl $@/etc/ssl/certs
	find $@ -exec touch -h -d @$(SOURCE_DATE_EPOCH) {} +

images: $(addsuffix /rootfs,$(addprefix $(BUILD)/image/,$(JOBS)))
	@for job in $(JOBS); do \
		$(CONTAINER_ENGINE) build --quiet -f Containerfile \
			--build-arg JOB=$$job --build-arg VERSION=$(VERSION) \
			--build-arg REVISION=$(GIT_REV) --build-arg LICENSE=$(LICENSE) \
			-t $(IMAGE_REPO)/$$job:$(IMAGE_TAG) $(BUILD)/image/$$job \
			>/dev/null || exit 1; \
	done
	@echo "images:"
	@for job in $(JOBS); do \
		printf '  %-45s %8d bytes\n' $(IMAGE_REPO)/$$job:$(IMAGE_TAG) \
			$$($(CONTAINER_ENGINE) image inspect --format '{{.Size}}' \
				$(IMAGE_REPO)/$$job:$(IMAGE_TAG)); \
	done

# ---- chart tools ----------------------------------------------------------

TOOLS_DIR := $(DEPS_CACHE)/tools

tools:
	sh tools/build-helm-tools.sh $(TOOLS_DIR)

# ---- style ----------------------------------------------------------------

C_FILES := $(wildcard cmd/*/*.c pkg/*/*.c pkg/*/*.h tests/unit/*.c tests/fuzz/*.c)
SH_FILES := $(wildcard deps/*.sh tools/*.sh tests/*.sh tests/lib/*.sh tests/integration/*.sh tests/bench/*.sh deploy/kind/*.sh .ci/run)

fmt:
	clang-format -i $(C_FILES)

lint: $(GLIBC_PREFIX)/.built
	clang-format --dry-run --Werror $(C_FILES)
	clang-tidy --quiet $(filter %.c,$(C_FILES)) -- -std=c11 \
		-I$(GLIBC_PREFIX)/include $(DEFS) -DDR_LIBC='"lint"'
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 --suppress=missingInclude \
		--suppress=missingIncludeSystem cmd pkg
	shellcheck -x $(SH_FILES)
	tests/lint-banned.sh

clean:
	rm -rf $(BUILD)
