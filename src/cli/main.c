/* chaptag: the program. Everything it does is in cli_main (commands.c). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
