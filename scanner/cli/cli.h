/* cli.h: the command line: `pyshift check|rules|explain`, options, exit code.
 *
 * ps_cli_main parses argv (one option table drives parsing and --help),
 * merges pyproject.toml, runs the command and returns the process exit code:
 * 0 nothing reported, 1 findings, 2 an error happened.
 */
#ifndef PS_CLI_CLI_H
#define PS_CLI_CLI_H

int ps_cli_main(int argc, char **argv);

#endif
