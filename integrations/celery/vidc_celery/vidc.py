"""Runs vidc: the binary and the store's options from the environment."""
import ctypes
import json
import os
import signal
import subprocess

PR_SET_PDEATHSIG = 1
EX_TEMPFAIL = 75  # `vidc job run`: the job is queued again (a passing failure)


class VidcError(Exception):
    """vidc failed (its exit status and the end of its standard error)."""


class VidcRetry(Exception):
    """The job is queued again in the store: the task should run it later."""


def _die_with_parent():
    # the task's process killed (SIGKILL, a lost machine) takes its vidc along: nobody renders
    # for a task that is delivered again elsewhere
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def store_args(media=True):
    out = []
    for env, opt in (("VIDC_CONFIG", "--config"), ("VIDC_DB", "--db"), ("VIDC_MEDIA", "--media")):
        if os.environ.get(env) and (media or opt != "--media"):
            out += [opt, os.environ[env]]
    return out


def run(*args, want_json=False, media=True):
    """Runs `vidc ARGS --config/--db/--media` and returns its standard output (parsed)."""
    cmd = [os.environ.get("VIDC_BIN", "vidc")] + [str(a) for a in args] + store_args(media)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=_die_with_parent, check=False)
    except OSError as e:
        raise VidcError("cannot run %s: %s (VIDC_BIN)" % (cmd[0], e)) from e
    tail = p.stderr.strip()[-2000:]
    if p.returncode == EX_TEMPFAIL:
        raise VidcRetry(tail)
    if p.returncode != 0:
        what = "killed by signal %d" % -p.returncode if p.returncode < 0 else "exit status %d" % p.returncode
        raise VidcError("%s: %s: %s" % (" ".join(cmd[:4]), what, tail))
    return json.loads(p.stdout) if want_json else p.stdout


def add_jobs(kind, key, **opts):
    """Queues the step's jobs (`vidc job add`, keyed by the task id: the same key gets the same
    jobs back); their ids."""
    args = ["job", "add", kind, "--key", key]
    for name, value in opts.items():
        if value is not None:
            args += ["--" + name, value]
    return run(*args, want_json=True)


def run_jobs(kind, key, **opts):
    """Queues the step's jobs and runs each (`vidc job run`); their ids."""
    ids = add_jobs(kind, key, **opts)
    for job in ids:
        run("job", "run", job)
    return ids
