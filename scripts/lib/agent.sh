# shellcheck shell=bash
# The stand-in Perch agent of the dev stack: tests/stubs/standin.py serving
# the recorded conversations of tests/data/upstream/perch, paced so that a
# chat visibly streams (`curl -N` shows the lines arriving apart).  `up`
# starts it before writing the config, which points [perch] upstream_url at
# it; `down` stops it.  SH_DEV_AGENT=none leaves it out (the config then has
# no upstream_url: set yours in a conf.d drop-in, docs/operations.md).

SH_DEV_AGENT=${SH_DEV_AGENT-standin}
# Pause between two lines of a streamed answer, in ms.
SH_DEV_AGENT_PAUSE_MS=${SH_DEV_AGENT_PAUSE_MS:-300}

agent_dir() { printf '%s\n' "$SH_VAR/agent"; }

# The stand-in's URL, once it runs (empty otherwise).
agent_url() { standin_url "$(agent_dir)"; }

agent_start() {
	[ "$SH_DEV_AGENT" = standin ] || return 0
	standin_start "$(agent_dir)" agent-standin.log "stand-in agent" \
		--fixtures "$SH_ROOT/tests/data/upstream/perch" --ndjson-pause-ms "$SH_DEV_AGENT_PAUSE_MS"
}

agent_stop() { standin_stop "$(agent_dir)" "stand-in agent"; }

agent_status() {
	[ "$SH_DEV_AGENT" = standin ] || return 0
	standin_status "$(agent_dir)" agent
}
