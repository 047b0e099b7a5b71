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

int cmd_serve(int argc, char **argv);   /* cli/serve.c: vidc serve (the HTTP API) */
int cmd_worker(int argc, char **argv);  /* cli/serve.c: vidc worker */
int cmd_token(int argc, char **argv);   /* cli/serve.c: vidc token create */
int cmd_site(int argc, char **argv);    /* cli/serve.c: vidc site add|automation */
int cmd_credits(int argc, char **argv); /* cli/serve.c: vidc credits grant|balance */
int cmd_stage9(int argc, char **argv);  /* cli/serve.c: vidc stage9 CONTENT_ID */

#endif
