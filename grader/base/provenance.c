/* SPDX-License-Identifier: MIT */
/* The grader's base: a lab.ini's hash (nettle's SHA-256) and the kit's
 * commit for a lab (git, run without a shell). See provenance.h. */
#define _DEFAULT_SOURCE /* realpath */
#include "base/provenance.h"

#include "base/command.h"
#include "base/files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
to_hex(const uint8_t *digest, char hex[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[SHA256_HEX_LEN] = '\0';
}

void
bytes_sha256(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof(digest), digest);
    to_hex(digest, hex);
}

int
file_sha256(const char *path, char hex[SHA256_HEX_LEN + 1])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE], buf[8192];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    sha256_init(&ctx);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        sha256_update(&ctx, (size_t)n, buf);
    }
    close(fd);
    sha256_digest(&ctx, sizeof(digest), digest);
    to_hex(digest, hex);
    return 0;
}

/* Runs git with `args` (after "git -C KIT") and keeps the head of what it
 * prints. The kit may belong to another user than the grader's (root
 * grading an instructor's clone): safe.directory says that is meant. */
static int
git(const char *kit, const char *const *args, char *out, size_t len)
{
    const char *argv[24] = {"git", "-c", "safe.directory=*", "-C", kit};
    size_t argc = 5;

    for (; args[argc - 5] != NULL && argc + 1 < 24; argc++)
        argv[argc] = args[argc - 5];
    argv[argc] = NULL;
    return command_output(NULL, argv, false, out, len);
}

/* A kit packed without its history (make gradescope) lists each lab's
 * commit in KIT_COMMITS, "LAB COMMIT" a line. */
static void
packed_commit(const char *kit, const char *lab, char *buf, size_t len)
{
    char *path = path_join(kit, KIT_COMMITS, NULL);
    char *list = path != NULL ? read_small_file(path, 64 * 1024) : NULL;
    size_t n = strlen(lab);

    for (char *line = list; line != NULL && *line != '\0';) {
        size_t end = strcspn(line, "\n");
        size_t hex = end > n + 1 ? strspn(line + n + 1, "0123456789abcdef") : 0;
        if (strncmp(line, lab, n) == 0 && line[n] == ' ' && hex >= 7 &&
            n + 1 + hex == end) {
            snprintf(buf, len, "%.*s", (int)hex, line + n + 1);
            break;
        }
        line += end + (line[end] == '\n');
    }
    free(list);
    free(path);
}

#define NOT_PROSE ":(exclude,glob)**/*.md"

void
kit_commit(const char *kit, const char *lab, char *buf, size_t len)
{
    char labdir[512], commit[128], changes[64];
    /* Prose (README.md, the guides) grades nothing: a fixed typo must not
     * regrade a class. */
    const char *log[] = {"log",      "-1",      "--format=%H", "--",
                         labdir,     "grader",  "common",      "mk",
                         "Makefile", NOT_PROSE, NULL};
    const char *status[] = {"status",  "--porcelain", "--", labdir,
                            "grader",  "common",      "mk", "Makefile",
                            NOT_PROSE, NULL};

    const char *top[] = {"rev-parse", "--show-toplevel", NULL};
    char where[PATH_MAX + 2], real[PATH_MAX];

    snprintf(buf, len, "unknown");
    if (snprintf(labdir, sizeof(labdir), "labs/%s", lab) >= (int)sizeof(labdir))
        return;
    /* The kit's own repository, not one it happens to lie in (a packed kit
     * unpacked under someone's checkout). */
    bool own =
        git(kit, top, where, sizeof(where)) == 0 && realpath(kit, real) != NULL;
    where[strcspn(where, "\n")] = '\0';
    if (!own || strcmp(where, real) != 0 ||
        git(kit, log, commit, sizeof(commit)) != 0) {
        packed_commit(kit, lab, buf, len);
        return;
    }
    commit[strspn(commit, "0123456789abcdef")] = '\0';
    if (commit[0] == '\0')
        return;
    if (git(kit, status, changes, sizeof(changes)) != 0)
        return;
    snprintf(buf, len, "%s%s", commit, changes[0] != '\0' ? "+changes" : "");
}
