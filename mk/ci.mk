# SPDX-License-Identifier: MIT
# CI templates and the Gradescope package (ci/): make gradescope.
# Included by the top Makefile; ci/README.md says how an instructor uses them.

.PHONY: gradescope deps-grading

# The autograder zip of one lab, for Gradescope's "Zip file upload":
# build/gradescope/NN-name-autograder.zip. mk/gradescope.sh refuses a
# missing or unknown LAB with exit status 2.
gradescope:
	$(Q)$(MAKE) -s grader MODE=release
	$(Q)$(KIT_ROOT)/mk/gradescope.sh "$(LAB)"

# Only the packages grading needs (no Doxygen, Node.js or Chromium): what
# the CI templates run on a fresh runner.
deps-grading:
	$(Q)$(DEPS_SH) install grading
