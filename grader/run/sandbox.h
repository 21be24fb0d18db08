/* SPDX-License-Identifier: MIT */
/* The grader's runner: the walls around student code that limits alone cannot
 * make. As root, every build and run of student code runs as an unprivileged
 * user (so it can neither write the kit, the work folder's builds nor the
 * results, nor signal the grader), in a network namespace of its own (no
 * network), and in a mount namespace of its own in which the kit is
 * read-only and the folders named to hide (other students' submissions and
 * results) are covered by an empty, closed folder. Each wall is probed once;
 * one the system refuses is left out and named in the report. Without root
 * there is no other user to switch to, and the report says so: the limits of
 * run_limits still hold; and where the system lets any user make a user
 * namespace, the network and mount walls go up in one of those, mapping the
 * grader's own user (which stays able to signal the grader and to write its
 * files outside the kit). */
#ifndef GRADER_RUN_SANDBOX_H
#define GRADER_RUN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_MAX_HIDDEN 16

struct sandbox {
    bool as_root; /* the grader is root: it switches student code's user */
    bool user_ns; /* not root: the walls below go up in a user namespace */
    uid_t uid;    /* whom student code runs as */
    gid_t gid;
    char user[64]; /* the user's name, or its number */
    /* Named with --sandbox-user: a user for this grader alone (grade-class
     * gives each worker its own), never "nobody", whom other graders and
     * services share. */
    bool named_user;
    bool no_network; /* a new network namespace is made for each run */
    bool own_mounts; /* a new mount namespace: kit read-only, hidden paths */
    bool hide_kit;   /* and runs of student code see the kit covered */
    char kit[4096];  /* made read-only where own_mounts */
    char hidden[SANDBOX_MAX_HIDDEN][4096]; /* covered where own_mounts */
    int nhidden;
    unsigned long kit_flags;       /* the kit's mount flags, which a read-only
                                      remount must keep */
    char uid_map[64], gid_map[64]; /* for a user namespace: "UID UID 1" */
    char missing[1024]; /* the walls left out, and why; "" when none */
    bool mirrored;      /* `kit` is a mirror of the kit (prepare/mirror.h) */
};

/* The environment variable that tells the grader to go without walls the
 * host does give, to test the paths taken where it does not: a comma-
 * separated list of "mounts" (no mount namespace) and "cgroups" (no pids
 * or memory cgroup). */
#define SANDBOX_WITHOUT_VAR "KIT_SANDBOX_WITHOUT"

/* Whether SANDBOX_WITHOUT_VAR names `wall`. */
bool sandbox_told_without(const char *wall);

/* Decide and probe the walls. `user` is a user name or number (NULL:
 * "nobody"), used only as root. `hide` lists folders student code must not
 * see. Returns 0; SANDBOX_KIT_CLOSED, with the reason in `err`, when the
 * sandbox user cannot reach the kit (as root, with the kit in a folder
 * closed to others: then mirror it, prepare/mirror.h, and set up again on
 * the mirror); or -1 with the reason in `err` when grading must not go on
 * (a sandbox user that does not exist, or is root). */
#define SANDBOX_KIT_CLOSED (-2)
int sandbox_setup(struct sandbox *s, const char *user, const char *kit,
                  char *const *hide, int nhide, char *err, size_t errlen);

/* Paths of the kit a run of student code may be shown (see
 * sandbox_enter()), at most. */
#define SANDBOX_MAX_SHOWN 4

/* In a child between fork and exec (async-signal-safe): put up the walls.
 * Where own_mounts, /tmp and /dev/shm become empty folders of the run's
 * own, in which only the kit and `workdir` (the work folder of the lab
 * being graded; NULL: none) are put back. `shown`, NULL-terminated, is
 * what the run sees of the kit: NULL for all of it, read-only (a build,
 * which reads the kit's headers and makefiles); otherwise the kit is an
 * empty folder but for these paths (and `workdir`, should it lie in the
 * kit), so that code under test cannot read the lab's tests, lab.ini or
 * anything else of the kit's. Returns 0, or -1 with errno set and *step
 * naming the call that failed. */
int sandbox_enter(const struct sandbox *s, const char *workdir,
                  const char *const *shown, const char **step);

/* Give a file or folder tree to the sandbox user, or take it back for root
 * (and then make it unwritable by others): as root only; 0 or -1. */
int sandbox_give_tree(const struct sandbox *s, const char *path);
int sandbox_take_tree(const struct sandbox *s, const char *path);

/* One paragraph for the reports: who student code runs as, and which
 * protections hold and which were not available on this machine. */
void sandbox_describe(const struct sandbox *s, char *buf, size_t len);

#endif
