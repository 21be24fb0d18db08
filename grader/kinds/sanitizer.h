/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: a sanitizer's report in a run's output, cut
 * down to what the student needs. */
#ifndef GRADER_KINDS_SANITIZER_H
#define GRADER_KINDS_SANITIZER_H

/* The first sanitizer report in `output` (ThreadSanitizer, AddressSanitizer,
 * LeakSanitizer or UBSan's "runtime error"), cut to its headline, the
 * frames in the student's files (paths reduced to the file name) and its
 * summary; NULL when there is none. */
char *sanitizer_report(const char *output, char *const *student_files,
                       int nfiles);

#endif
