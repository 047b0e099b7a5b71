/*
 * fakesrv.h - starts one of the fake servers of tests/fakes/ (a Python script that prints its
 * port on its first line) for a C unit test, stops it, and sets fetch options that reach it.
 * Header-only: included once per test.
 *
 *     fakesrv s;
 *     if (fakesrv_start(&s, "tests/fakes/web_server.py", "--host", "127.0.0.2", NULL)) fail;
 *     ... http://127.0.0.2:s.port/ ...
 *     fakesrv_stop(&s);
 */
#ifndef VIDC_TEST_FAKESRV_H
#define VIDC_TEST_FAKESRV_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../pipeline/fetch.h"

typedef struct {
	pid_t pid;
	int port;
} fakesrv;

/* Runs python3 SCRIPT ARGS... (NULL-terminated) and reads its port. 0 or -1. */
static int fakesrv_start(fakesrv *s, const char *script, ...)
{
	const char *argv[32] = {"python3", script};
	int n = 2;
	va_list ap;
	va_start(ap, script);
	for (const char *a; n < 31 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	int fd[2];
	if (pipe(fd))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (!s->pid) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	s->port = 0;
	if (!f || fscanf(f, "%d", &s->port) != 1 || s->port <= 0) {
		if (f)
			fclose(f);
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Fetch options for a fake on 127.0.0.2 (the one private address the fetcher may reach),
 * caching in cache_dir, with a short back-off and attempts tries per URL. */
static inline void fakesrv_fetch_opts(fetch_opts *o, const char *cache_dir, int attempts)
{
	fetch_opts_init(o);
	o->cache_dir = cache_dir;
	o->allow_private = 0;
	o->allow_addrs = "127.0.0.2";
	o->backoff_ms = 50;
	o->max_attempts = attempts;
}

static void fakesrv_stop(fakesrv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

#endif
