# SPDX-License-Identifier: MIT
# The student kit: make release OUT=DIR (mk/release.sh says what it leaves
# out). Included by the top Makefile.

.PHONY: release

release:
	$(Q)$(KIT_ROOT)/mk/release.sh "$(OUT)"
