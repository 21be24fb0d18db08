/* SPDX-License-Identifier: MIT */
/**
 * @file kit_sanitizer.h
 * @brief Whether the kit's own code (a lab's tests, never a submission) is
 * built with a sanitizer, so that its long runs can be shorter there.
 *
 * ThreadSanitizer and AddressSanitizer slow every memory access and every
 * lock several times over. A sanitizer finds a race or a bad access on the
 * first iterations, not the millionth; the release build checks the long
 * runs' results. A submission may not ask this (the grader refuses a
 * submit file that tests for a sanitizer): what it runs must not depend on
 * how it is watched.
 */
#ifndef KIT_SANITIZER_H
#define KIT_SANITIZER_H

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define KIT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define KIT_SANITIZED 1
#endif
#endif
#ifndef KIT_SANITIZED
/** 1 in a ThreadSanitizer or AddressSanitizer build, else 0. */
#define KIT_SANITIZED 0
#endif

/** The size of a long run: @p release in the release build, the smaller
 * @p sanitized under a sanitizer. */
#define KIT_LONG_RUN(release, sanitized)                                       \
    (KIT_SANITIZED ? (sanitized) : (release))

#include <stdlib.h>

/**
 * Forget the sanitizers' options: their runtimes read them as the program
 * starts, and a lab's test program calls this first thing in main, so
 * that code under test finds the same environment whether a sanitizer
 * watches it or not.
 */
static inline void
kit_sanitizer_options_forget(void)
{
    static const char *const names[] = {
        "TSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS",
        "LSAN_OPTIONS", "MSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        unsetenv(names[i]);
}

#endif
