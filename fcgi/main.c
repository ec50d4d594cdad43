/*
 * stagehandd: the daemon lives in libstagehand (daemon.c) behind its one
 * exported entry point, since the library exports only sh_* symbols.
 */
#include "daemon.h"

int main(int argc, char **argv)
{
	return sh_daemon_main(argc, argv);
}
