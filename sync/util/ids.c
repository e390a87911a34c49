/* ids.c - the id rule (see ids.h). */
#include "ids.h"

#include <stddef.h>

int ids_valid(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.' || c == ':' || c == '~';
        if (!ok || n >= IDS_MAX)
            return 0;
    }
    return n > 0;
}
