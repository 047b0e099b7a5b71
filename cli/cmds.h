/*
 * cmds.h - the commands implemented outside main.c; each takes argv with argv[0] the command's
 * name and returns the exit status.
 */
#ifndef VIDC_CMDS_H
#define VIDC_CMDS_H

int cmd_make(int argc, char **argv);  /* cli/make.c: vidc make */
int cmd_voice(int argc, char **argv);  /* cli/voice.c: vidc voice */
int cmd_voices(int argc, char **argv); /* cli/voice.c: vidc voices */
int cmd_script(int argc, char **argv); /* cli/script.c: vidc script */

int cmd_subs(int argc, char **argv);     /* cli/publish.c: vidc subs */
int cmd_chapters(int argc, char **argv); /* cli/publish.c: vidc chapters */
int cmd_thumb(int argc, char **argv);    /* cli/publish.c: vidc thumb */
int cmd_sheet(int argc, char **argv);    /* cli/sheet.c: vidc sheet */
int cmd_fetch(int argc, char **argv);    /* cli/fetch.c: vidc fetch */

#endif
