/* SPDX-License-Identifier: MIT */
/**
 * @file kit_pthread.h
 * @brief Checked pthread calls: a failing call prints what failed, where and
 * why, then exits with EXIT_FAILURE.
 *
 * pthread functions return their error number instead of setting errno, so
 * `perror` after them prints nonsense, and `assert` vanishes under NDEBUG.
 * These wrappers keep lesson code readable (`Pthread_create(...)` instead of
 * four lines of error handling) without ignoring a single return code.
 * Each expands to one statement, so it is safe inside `if`/`else`.
 */
#ifndef KIT_PTHREAD_H
#define KIT_PTHREAD_H

#include <pthread.h>

/**
 * Print "FILE:LINE: CALL failed: STRERROR(rc)" on stderr and exit with
 * EXIT_FAILURE. Called by KIT_CHECK_RC; rarely useful directly.
 *
 * @param rc   the error number the call returned
 * @param call the text of the call, as written in the source
 * @param file source file of the call
 * @param line source line of the call
 */
_Noreturn void kit_die_rc(int rc, const char *call, const char *file, int line);

/**
 * Print a formatted message with "FILE:LINE: " in front on stderr and exit
 * with EXIT_FAILURE; for failures that are not pthread return codes.
 */
_Noreturn void kit_die_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Exit with a message naming this source line; printf-style arguments. */
#define kit_die(...) kit_die_at(__FILE__, __LINE__, __VA_ARGS__)

/**
 * Evaluate @p call once; if it returns non-zero, report it as an error number
 * with kit_die_rc(). A statement, so `if (x) KIT_CHECK_RC(f()); else ...`
 * works as written.
 */
#define KIT_CHECK_RC(call)                                                     \
    do {                                                                       \
        int kit_rc_ = (call);                                                  \
        if (kit_rc_ != 0)                                                      \
            kit_die_rc(kit_rc_, #call, __FILE__, __LINE__);                    \
    } while (0)

/* Checked wrappers, one per pthread call the labs use. Each takes the
 * arguments of the pthread function of the same name in lower case, and exits
 * with a message naming the call if it fails. */
/** pthread_create(), checked. */
#define Pthread_create(...) KIT_CHECK_RC(pthread_create(__VA_ARGS__))
/** pthread_join(), checked. */
#define Pthread_join(...) KIT_CHECK_RC(pthread_join(__VA_ARGS__))
/** pthread_detach(), checked. */
#define Pthread_detach(...) KIT_CHECK_RC(pthread_detach(__VA_ARGS__))
/** pthread_attr_init(), checked. */
#define Pthread_attr_init(...) KIT_CHECK_RC(pthread_attr_init(__VA_ARGS__))
/** pthread_attr_destroy(), checked. */
#define Pthread_attr_destroy(...)                                              \
    KIT_CHECK_RC(pthread_attr_destroy(__VA_ARGS__))
/** pthread_mutex_init(), checked. */
#define Pthread_mutex_init(...) KIT_CHECK_RC(pthread_mutex_init(__VA_ARGS__))
/** pthread_mutex_destroy(), checked. */
#define Pthread_mutex_destroy(...)                                             \
    KIT_CHECK_RC(pthread_mutex_destroy(__VA_ARGS__))
/** pthread_mutex_lock(), checked. */
#define Pthread_mutex_lock(...) KIT_CHECK_RC(pthread_mutex_lock(__VA_ARGS__))
/** pthread_mutex_unlock(), checked. */
#define Pthread_mutex_unlock(...)                                              \
    KIT_CHECK_RC(pthread_mutex_unlock(__VA_ARGS__))
/** pthread_mutexattr_init(), checked. */
#define Pthread_mutexattr_init(...)                                            \
    KIT_CHECK_RC(pthread_mutexattr_init(__VA_ARGS__))
/** pthread_mutexattr_settype(), checked. */
#define Pthread_mutexattr_settype(...)                                         \
    KIT_CHECK_RC(pthread_mutexattr_settype(__VA_ARGS__))
/** pthread_mutexattr_destroy(), checked. */
#define Pthread_mutexattr_destroy(...)                                         \
    KIT_CHECK_RC(pthread_mutexattr_destroy(__VA_ARGS__))
/** pthread_cond_init(), checked. */
#define Pthread_cond_init(...) KIT_CHECK_RC(pthread_cond_init(__VA_ARGS__))
/** pthread_cond_destroy(), checked. */
#define Pthread_cond_destroy(...)                                              \
    KIT_CHECK_RC(pthread_cond_destroy(__VA_ARGS__))
/** pthread_cond_wait(), checked. */
#define Pthread_cond_wait(...) KIT_CHECK_RC(pthread_cond_wait(__VA_ARGS__))
/** pthread_cond_signal(), checked. */
#define Pthread_cond_signal(...) KIT_CHECK_RC(pthread_cond_signal(__VA_ARGS__))
/** pthread_cond_broadcast(), checked. */
#define Pthread_cond_broadcast(...)                                            \
    KIT_CHECK_RC(pthread_cond_broadcast(__VA_ARGS__))
/** pthread_barrier_init(), checked. */
#define Pthread_barrier_init(...)                                              \
    KIT_CHECK_RC(pthread_barrier_init(__VA_ARGS__))
/** pthread_barrier_destroy(), checked. */
#define Pthread_barrier_destroy(...)                                           \
    KIT_CHECK_RC(pthread_barrier_destroy(__VA_ARGS__))
/** pthread_rwlock_init(), checked. */
#define Pthread_rwlock_init(...) KIT_CHECK_RC(pthread_rwlock_init(__VA_ARGS__))
/** pthread_rwlock_destroy(), checked. */
#define Pthread_rwlock_destroy(...)                                            \
    KIT_CHECK_RC(pthread_rwlock_destroy(__VA_ARGS__))
/** pthread_rwlock_rdlock(), checked. */
#define Pthread_rwlock_rdlock(...)                                             \
    KIT_CHECK_RC(pthread_rwlock_rdlock(__VA_ARGS__))
/** pthread_rwlock_wrlock(), checked. */
#define Pthread_rwlock_wrlock(...)                                             \
    KIT_CHECK_RC(pthread_rwlock_wrlock(__VA_ARGS__))
/** pthread_rwlock_unlock(), checked. */
#define Pthread_rwlock_unlock(...)                                             \
    KIT_CHECK_RC(pthread_rwlock_unlock(__VA_ARGS__))

/**
 * Wait at a barrier; unlike the other calls, pthread_barrier_wait returns
 * PTHREAD_BARRIER_SERIAL_THREAD to one waiter, which is not an error.
 *
 * @return 1 in exactly one of the threads released together, else 0
 */
#define Pthread_barrier_wait(barrier)                                          \
    kit_barrier_wait_checked((barrier), __FILE__, __LINE__)

/** The function behind Pthread_barrier_wait(). */
int kit_barrier_wait_checked(pthread_barrier_t *barrier, const char *file,
                             int line);

#endif
