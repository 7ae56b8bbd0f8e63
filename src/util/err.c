/*
 * err.c -- tn_err formatting and result-code names.
 */
#include "tn_base.h"
#include <stdio.h>
#include <string.h>

int tn_err_set(tn_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int tn_err_prefix(tn_err *err, int code, const char *fmt, ...)
{
    if (err) {
        char pre[TN_ERR_MSG_MAX], old[TN_ERR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(pre, sizeof pre, fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof old);
        old[sizeof old - 1] = 0;
        size_t pl = strlen(pre), ol = strlen(old);
        if (pl > sizeof err->msg - 1)
            pl = sizeof err->msg - 1;
        if (ol > sizeof err->msg - 1 - pl)
            ol = sizeof err->msg - 1 - pl;
        memcpy(err->msg, pre, pl);
        memcpy(err->msg + pl, old, ol);
        err->msg[pl + ol] = 0;
        err->code = code;
    }
    return code;
}

void tn_err_clear(tn_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = 0;
    }
}

const char *tn_code_name(int code)
{
    switch (code) {
    case TN_OK: return "OK";
    case TN_ERROR: return "ERROR";
    case TN_NOMEM: return "NOMEM";
    case TN_IOERR: return "IOERR";
    case TN_CORRUPT: return "CORRUPT";
    case TN_NOTSUP: return "NOTSUP";
    case TN_CONFLICT: return "CONFLICT";
    case TN_MISUSE: return "MISUSE";
    case TN_INTERRUPT: return "INTERRUPT";
    case TN_RANGE: return "RANGE";
    case TN_SYNTAX: return "SYNTAX";
    case TN_NOTFOUND: return "NOTFOUND";
    default: return "UNKNOWN";
    }
}
