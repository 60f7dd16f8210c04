/* main.c: argv -> PsConfig -> ps_run() -> exit code, nothing else. */
#include "cli/cli.h"

int main(int argc, char **argv) { return ps_cli_main(argc, argv); }
