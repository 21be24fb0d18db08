# CI templates and the Gradescope package (ci/): make gradescope.
