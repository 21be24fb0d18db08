# SPDX-License-Identifier: MIT
# The slides (slides/), included by the top Makefile.
#   make slides        every deck to self-contained HTML in build/slides/,
#                      after measuring on this machine the figures that
#                      `make plots` has not drawn yet (SLIDES_MEASURE=0: none;
#                      their slides then show a placeholder)
#   make test-slides   every C snippet of the decks compiles, and every page
#                      opens offline in headless Chromium as a reader's would
# Marp renders the decks; it and puppeteer-core are the npm packages pinned
# in slides/package-lock.json, installed by `npm ci` into build/slides-tool/.

SLIDES_SRC := $(KIT_ROOT)/slides
SLIDES_OUT = $(BUILD)/slides
SLIDES_TOOL = $(BUILD)/slides-tool
SLIDES_INPUTS := $(wildcard $(SLIDES_SRC)/[0-9][0-9]-*.md) \
	$(SLIDES_SRC)/theme/kit.css $(SLIDES_SRC)/index.html.in \
	$(SLIDES_SRC)/marp.config.js $(SLIDES_SRC)/scripts/lib.js \
	$(SLIDES_SRC)/scripts/render.js
SLIDES_ENV = BUILD=$(abspath $(BUILD)) SLIDES_TOOL=$(abspath $(SLIDES_TOOL))

.PHONY: slides slides-render test-slides kit-deps-slides kit-deps-test-slides \
	kit-slides-force

# A fresh clone has no figure: the first deck a reader opens would be
# placeholders. So `make slides` measures the missing ones first (a minute
# or two on a small machine, each figure named as it goes), then renders
# in a make of its own, which sees the new figures. `make plots` measures
# them all again. SLIDES_PLOTS is what measures (FIGURES="..." given).
SLIDES_MEASURE ?= 1
SLIDES_PLOTS ?= $(MAKE) -s plots
slides:
	$(Q)if [ "$(SLIDES_MEASURE)" != 0 ]; then \
	    missing=$$(BUILD=$(abspath $(BUILD)) $(SLIDES_SRC)/plots/plots.sh --missing) || exit 1; \
	    if [ -n "$$missing" ]; then \
	        echo "  PLOTS   measuring the figures not drawn yet: $$missing (make plots measures every one again)"; \
	        $(SLIDES_PLOTS) FIGURES="$$missing" || \
	            echo "  NOTE    not every figure could be measured: their slides show a placeholder"; \
	    fi; \
	fi
	$(Q)$(MAKE) -s slides-render

slides-render: $(SLIDES_OUT)/index.html

# Drawn figures count as inputs: a deck shows a placeholder for a figure
# that `make plots` has not drawn yet, and the real one once it has. So do
# the list of figures (rewritten only when a figure appears or goes) and the
# folder of decks (a deck added or removed).
SLIDES_FIGURES = $(sort $(notdir $(wildcard $(BUILD)/plots/*.png)))

$(SLIDES_OUT)/.figures: kit-slides-force
	@mkdir -p $(@D)
	@echo '$(SLIDES_FIGURES)' | cmp -s - $@ || echo '$(SLIDES_FIGURES)' >$@

$(SLIDES_OUT)/index.html: $(SLIDES_INPUTS) $(SLIDES_SRC) $(SLIDES_OUT)/.figures \
		$(wildcard $(BUILD)/plots/*.png) $(SLIDES_TOOL)/.installed
	@mkdir -p $(@D)
	$(Q)$(SLIDES_ENV) node $(SLIDES_SRC)/scripts/render.js

# `npm ci` installs exactly the locked versions and checks their integrity;
# install scripts are skipped (none is needed, and none may download).
$(SLIDES_TOOL)/.installed: $(SLIDES_SRC)/package.json $(SLIDES_SRC)/package-lock.json \
		| kit-deps-slides
	@echo "  NPM     build/slides-tool (npm ci, versions from slides/package-lock.json)"
	$(Q)rm -rf $(SLIDES_TOOL) && mkdir -p $(SLIDES_TOOL) && \
	    cp $(SLIDES_SRC)/package.json $(SLIDES_SRC)/package-lock.json $(SLIDES_TOOL)/ && \
	    cd $(SLIDES_TOOL) && npm ci --ignore-scripts --no-audit --no-fund \
	        --loglevel=error >npm.log 2>&1 || { cat $(SLIDES_TOOL)/npm.log; exit 1; }
	@touch $@

# The pages as they render, placeholders and all: no figure is measured.
test-slides: slides-render | kit-deps-test-slides
	$(Q)$(SLIDES_ENV) node $(SLIDES_SRC)/scripts/check-c.js
	$(Q)$(SLIDES_ENV) node $(SLIDES_SRC)/scripts/test.js

kit-slides-force:

kit-deps-slides:
	@$(DEPS_SH) ensure cmd:node cmd:npm

kit-deps-test-slides:
	@$(DEPS_SH) ensure cmd:node cmd:npm cmd:chromium cmd:cc
