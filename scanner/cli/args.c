/* args.c: placeholder until the CLI lands. */
#include "cli/cli.h"
int ps_cli_main(int argc, char **argv) { (void)argc; (void)argv; return 2; }
