/*
 * Everything a plugin includes: the ABI and every host service.
 */
#ifndef STAGEHAND_STAGEHAND_H
#define STAGEHAND_STAGEHAND_H

#include <stagehand/errors.h>
#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/jose.h>
#include <stagehand/yaml.h>
#include <stagehand/url.h>
#include <stagehand/urlallow.h>
#include <stagehand/conf.h>
#include <stagehand/plugin.h>
#include <stagehand/request.h>
#include <stagehand/reply.h>
#include <stagehand/identity.h>
#include <stagehand/db.h>
#include <stagehand/cache.h>
#include <stagehand/http.h>
#include <stagehand/svctoken.h>
#include <stagehand/task.h>
#include <stagehand/log.h>
#include <stagehand/ui.h>

#endif
