/*
 * Descriptions of the SH_E* codes, for log lines and error messages.
 */
#include "host.h"

const char *sh_strerror(int code)
{
	switch (code) {
	case SH_OK:        return "success";
	case SH_EINVAL:    return "invalid argument or input";
	case SH_ENOTFOUND: return "not found";
	case SH_EIO:       return "input/output error";
	case SH_ETIMEDOUT: return "timed out";
	case SH_ETOOBIG:   return "too large";
	case SH_EDB:       return "database error";
	case SH_EUNAVAIL:  return "unavailable";
	case SH_EDENIED:   return "not allowed";
	case SH_ESTATE:    return "called at the wrong time";
	default:           return "unknown error";
	}
}
