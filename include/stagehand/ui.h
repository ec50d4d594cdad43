/*
 * The web portal's runtime configuration (DESIGN.md section 8; docs/ui.md).
 *
 * A Backstage frontend build reads its configuration from
 * <script type="backstage.io/config"> in index.html.  The host renders that
 * script once, at start-up of the pool named by [ui] pool (default "main"),
 * after every plugin's init, from:
 *   - its own settings: app.baseUrl and backend.baseUrl ([server] base_url),
 *     app.title ([ui] title), the frontend-only [features] flags as
 *     OpenChoreo's keys (openchoreo.features.<flag>.enabled,
 *     enableExperimentalRedirectFlow);
 *   - what plugins of that pool add with sh_ui_config_merge during init
 *     (the auth plugin its sign-in providers, github-actions
 *     integrations.github, techdocs techdocs.builder).
 * It reads [ui] root/index.html (the build), replaces any config script
 * there with the rendered one (before </head>) and writes the result
 * atomically to [ui] render_dir/index.html, beside a link render_dir/dist
 * -> root; nginx serves the build from render_dir/dist and that file for /
 * and every path that is not a file of the build.  Never per request.
 * Plugins of other pools may call it too: their fragment is dropped.
 */
#ifndef STAGEHAND_UI_H
#define STAGEHAND_UI_H

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;
typedef struct json_t json_t;          /* <jansson.h> */

/*
 * Only during init.  Deep-merges the JSON object `fragment` into the
 * portal's runtime config (objects merge key by key, anything else
 * replaces), e.g. {"techdocs":{"builder":"local"}}.  Takes the caller's
 * reference to fragment.  Returns 0, or SH_EINVAL when fragment is not an
 * object or init is over.  A pool that renders no index.html ignores it.
 */
int sh_ui_config_merge(struct sh_host *host, json_t *fragment);

#ifdef __cplusplus
}
#endif
#endif
