# vidc - plain GNU make. `make` builds build/vidc; `make check` runs every test; `make asan` builds
# and tests under AddressSanitizer + UndefinedBehaviorSanitizer; `make fuzz` builds the libFuzzer
# targets; `make bench` runs bench/; `make install PREFIX=/usr/local DESTDIR=`.

CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build
LIBS_PC  := libavformat libavcodec libavutil libswscale libswresample libjpeg harfbuzz freetype2 fontconfig \
            lua5.4 jansson libcurl libcrypto libsodium sqlite3 libpq libmicrohttpd libxml-2.0 libass hiredis
PC_CFLAGS := $(shell pkg-config --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS   := $(shell pkg-config --libs $(LIBS_PC) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PC_CFLAGS) \
              -DVIDC_STDLIB_DIR='"$(PREFIX)/share/vidc/stdlib"'
LDLIBS   := $(PC_LIBS) -lespeak-ng -lm -lpthread

BASE_SRC     := $(sort $(wildcard base/*.c))
COMPILER_SRC := $(sort $(wildcard compiler/*.c))
RUNTIME_SRC  := $(sort $(wildcard runtime/*.c))
PIPELINE_SRC := $(sort $(wildcard pipeline/*.c))
SERVICE_SRC  := $(sort $(wildcard service/*.c))
CLI_SRC      := $(sort $(wildcard cli/*.c))
LIB_SRC      := $(BASE_SRC) $(COMPILER_SRC) $(RUNTIME_SRC) $(PIPELINE_SRC) $(SERVICE_SRC)
LIB_OBJ      := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/service/migrations.o $(BUILD)/pipeline/preview_page.o
MIGRATIONS   := $(sort $(wildcard service/migrations/*.sql))
CLI_OBJ      := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_C       := $(sort $(wildcard tests/unit/*.c))
TEST_BIN     := $(TEST_C:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check asan asan-build fuzz fuzz-run bench install clean deps
all: $(BUILD)/vidc $(TEST_BIN) $(BUILD)/bench/compile_time

$(BUILD)/libvidc.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/vidc: $(CLI_OBJ) $(BUILD)/libvidc.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvidc.a $(LDLIBS) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvidc.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvidc.a $(LDLIBS) $(LDFLAGS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libvidc.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvidc.a $(LDLIBS) $(LDFLAGS)

# The service's numbered SQL migrations, compiled into the binary (service/embed_sql.sh).
$(BUILD)/service/migrations.c: $(MIGRATIONS) service/embed_sql.sh
	@mkdir -p $(dir $@)
	@sh service/embed_sql.sh $(MIGRATIONS) >$@.tmp && mv $@.tmp $@
$(BUILD)/service/migrations.o: $(BUILD)/service/migrations.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The page of `vidc preview`, compiled into the binary (it works offline, from any folder).
$(BUILD)/pipeline/preview_page.c: pipeline/preview_page.html scripts/embed_text.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed_text.sh preview_page_html $< >$@.tmp && mv $@.tmp $@
$(BUILD)/pipeline/preview_page.o: $(BUILD)/pipeline/preview_page.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

deps:
	./scripts/deps.sh

check: all
	VIDC=$(BUILD)/vidc BUILD=$(BUILD) ./tests/run.sh

# The sanitizer build (clang, warnings as errors: it is also the clang build) in build/asan;
# `make asan-build` builds it without running the tests.
ASAN_MAKE = $(MAKE) BUILD=build/asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined"
asan-build:
	$(ASAN_MAKE) all
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(ASAN_MAKE) VIDC_SANITIZE=1 check

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/*.c))
fuzz:
	$(MAKE) BUILD=build/fuzzobj CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	  build/fuzzobj/libvidc.a
	@mkdir -p $(BUILD)/fuzz
	for t in $(wildcard tests/fuzz/*.c); do \
	  clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined $(PC_CFLAGS) \
	    -o $(BUILD)/fuzz/$$(basename $$t .c) $$t build/fuzzobj/libvidc.a $(LDLIBS) || exit 1; \
	done

# Bounded fuzz run for CI: FUZZ_SECONDS per target over the seed corpus.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	./tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

$(BUILD)/encode_only: bench/encode_only.c $(BUILD)/libvidc.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvidc.a $(LDLIBS) $(LDFLAGS)

bench: all $(BUILD)/encode_only
	BUILD=$(BUILD) ./bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vidc
	install -m 755 $(BUILD)/vidc $(DESTDIR)$(PREFIX)/bin/vidc
	cp -R stdlib $(DESTDIR)$(PREFIX)/share/vidc/

clean:
	rm -rf build
