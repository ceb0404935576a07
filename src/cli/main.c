/* chaptag: the program. Everything it does is in cli_main (commands.c); here only what a
   process owns: the signals that end it. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Ctrl-C, a cancelled CI job, a closed terminal or pipe: the temporary file of a rewrite under
   way is removed (the original was never touched) and chaptag ends with 128 + the signal. */
static void on_signal(int sig)
{
    chaptag_remove_temporary_files();
    _exit(128 + sig);
}

int main(int argc, char **argv)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* one handler at a time */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    return cli_main(argc, argv);
}
