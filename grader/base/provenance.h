/* SPDX-License-Identifier: MIT */
/* The grader's base: what graded a lab, so that a grade can be told apart
 * from one made under another spec. Two marks: the SHA-256 of the lab's
 * lab.ini (its points, tests and limits), and the kit's git commit that
 * last changed anything that grades the lab (the lab's folder, the grader,
 * the kit's library and build files). The grader writes both into
 * results.json; grade-class regrades a student whose marks differ from
 * the kit's now. */
#ifndef GRADER_BASE_PROVENANCE_H
#define GRADER_BASE_PROVENANCE_H

#include <stddef.h>

#define SHA256_HEX_LEN 64
/* In a kit packed without its git history: "LAB COMMIT" per lab. */
#define KIT_COMMITS ".kit-commits"

/* The SHA-256 of the file at `path`, in lower-case hex, into hex[65].
 * Returns 0, or -1 (errno set) when the file cannot be read. */
int file_sha256(const char *path, char hex[SHA256_HEX_LEN + 1]);

/* The SHA-256 of `len` bytes, as file_sha256(). */
void bytes_sha256(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

/* The commit that last changed what grades `lab` in the kit at `kit`
 * (labs/LAB, grader, common, mk, Makefile; not their Markdown, which
 * grades nothing), as `git log` names it, with
 * "+changes" after it when those paths differ from the commit (edited or
 * new files). Where the kit is no git repository (the kit make gradescope
 * packs), the lab's line of KIT_COMMITS, which the packing wrote; else
 * "unknown". Never fails: `buf` always holds a word. */
void kit_commit(const char *kit, const char *lab, char *buf, size_t len);

#endif
