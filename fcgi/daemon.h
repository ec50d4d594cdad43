/*
 * The daemon's one entry point, exported by libstagehand for stagehandd's
 * main(): everything else of the host stays inside the library.
 */
#ifndef STAGEHAND_DAEMON_H
#define STAGEHAND_DAEMON_H

/* Runs stagehandd with its command line (see usage: serve a pool,
 * --check-config, --migrate, --routes); returns the exit status. */
int sh_daemon_main(int argc, char **argv);

#endif
