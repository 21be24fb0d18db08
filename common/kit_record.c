/* SPDX-License-Identifier: MIT */
/* libkit: the stream of a kit program's record (see kit_record.h). */
#include "kit_record.h"
#include "kit_pthread.h"

#include <errno.h>
#include <stdlib.h>

FILE *
kit_record_stream(void)
{
    static FILE *stream;
    const char *fd = getenv("KIT_RECORD_FD");
    char *end;
    long n;

    if (stream != NULL)
        return stream;
    if (fd == NULL)
        return stream = stdout;
    errno = 0;
    n = strtol(fd, &end, 10);
    if (errno != 0 || end == fd || *end != '\0' || n < 3 || n > 1 << 20)
        kit_die("KIT_RECORD_FD=%s: not a descriptor", fd);
    stream = fdopen((int)n, "w");
    if (stream == NULL)
        kit_die("KIT_RECORD_FD=%s: cannot be written", fd);
    return stream;
}
