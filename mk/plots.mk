# SPDX-License-Identifier: MIT
# The measured figures of the slides, included by the top Makefile.
#   make plots   runs the experiments of the labs' reference solutions on
#                this machine (release build) and draws each figure with
#                gnuplot into build/plots/; slides/plots/plots.sh says how.
# A figure whose program does not exist yet is skipped with a message. The
# experiments run one after another: two at once would spoil both.

.PHONY: plots kit-deps-plots

plots: | kit-deps-plots
	$(Q)$(MAKE) -s solutions MODE=release || \
	    echo "plots: some solutions did not build; figures that need them are skipped"
	$(Q)BUILD=$(abspath $(BUILD)) $(KIT_ROOT)/slides/plots/plots.sh $(FIGURES)
	@echo "  PLOTS   build/plots/ (make slides puts them in the decks)"

kit-deps-plots:
	@$(DEPS_SH) ensure cmd:gnuplot
