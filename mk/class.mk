# Grading a whole class from a folder: make grade-class.
