#!/usr/bin/python3
"""bench/celery_overhead.py [--pieces N] [--rounds R] [--work S]: the queue's own cost, measured
with a real redis-server and two real Celery workers (prefork, --concurrency=1, acks_late, as
integrations/celery runs them) on the `video` queue.

Each round sends what a split render sends: a chord of N piece tasks and a join task. The piece
tasks only sleep S seconds, so what is measured is Celery and Redis, not vidc:
  - start: from the moment a task could start (its enqueue, or its worker's previous task ending
    when both workers were busy) to the moment its body starts;
  - join: from the last piece's end to the join task's start (the chord's own bookkeeping).
Prints one line per figure (milliseconds: median and worst) for bench/pieces.sh to read.
Debian's python3-celery and python3-redis; nothing from PyPI.
"""
import argparse
import gc
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

APP = '''
import os, time
from celery import Celery
import redis
URL = os.environ["OVH_BROKER"]
app = Celery("ovh_app", broker=URL, backend=URL)
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_default_queue="video",
                broker_transport_options={"visibility_timeout": 3600})
R = redis.Redis.from_url(URL)

def note(kind, key, value):
    R.hset("ovh:" + kind, key, repr(value))

@app.task(name="ovh.piece")
def piece(rnd, i, work):
    note("start", "%d:%d" % (rnd, i), (time.time(), os.getpid()))
    time.sleep(work)
    note("end", "%d:%d" % (rnd, i), (time.time(), os.getpid()))
    return i

@app.task(name="ovh.join")
def join(results, rnd):
    note("start", "%d:join" % rnd, (time.time(), os.getpid()))
    return len(results)
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, what, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if cond():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.1)
    sys.exit("celery_overhead: %s did not come up in %d s" % (what, seconds))


def pct(xs):
    xs = sorted(xs)
    return statistics.median(xs) * 1000, xs[-1] * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pieces", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--work", type=float, default=0.3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vidc-ovh.")
    procs = []
    try:
        port = free_port()
        procs.append(subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp, "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL))
        url = "redis://127.0.0.1:%d/0" % port
        with open(os.path.join(tmp, "ovh_app.py"), "w") as f:
            f.write(APP)
        env = dict(os.environ, OVH_BROKER=url, PYTHONPATH=tmp)
        os.environ.update(OVH_BROKER=url)
        sys.path.insert(0, tmp)
        import redis
        wait_for(lambda: redis.Redis(port=port).ping(), "redis-server")
        for w in ("w1", "w2"):
            procs.append(subprocess.Popen(
                ["/usr/bin/python3", "-m", "celery", "-A", "ovh_app", "worker", "-Q", "video",
                 "--concurrency=1", "--hostname", w + "@%h", "--loglevel", "WARNING"],
                env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, w + ".log"), "w")))
        import ovh_app
        from celery import chord, group
        wait_for(lambda: len(ovh_app.app.control.ping(timeout=0.5)) == 2, "two workers", 60)
        R = redis.Redis(port=port)
        starts, joins = [], []
        for rnd in range(a.rounds + 1):  # round 0 warms the workers up and is not counted
            t0 = time.time()
            res = chord(group(ovh_app.piece.s(rnd, i, a.work) for i in range(a.pieces)))(ovh_app.join.s(rnd))
            res.get(timeout=120)
            del res  # its backend subscription ends while redis-server is up
            gc.collect()
            if rnd == 0:
                continue
            st = {k.decode(): eval(v) for k, v in R.hgetall("ovh:start").items() if k.decode().startswith("%d:" % rnd)}
            en = {k.decode(): eval(v) for k, v in R.hgetall("ovh:end").items() if k.decode().startswith("%d:" % rnd)}
            ends_by_pid = {}
            for key, (t_end, pid) in en.items():
                ends_by_pid.setdefault(pid, []).append(t_end)
            for i in range(a.pieces):
                t_start, pid = st["%d:%d" % (rnd, i)]
                before = [t for t in ends_by_pid.get(pid, []) if t <= t_start]
                ready = max([t0] + before)
                starts.append(t_start - ready)
            last_end = max(t for t, _ in en.values())
            joins.append(st["%d:join" % rnd][0] - last_end)
        m, w = pct(starts)
        print("start_ms %.1f %.1f" % (m, w))
        m, w = pct(joins)
        print("join_ms %.1f %.1f" % (m, w))
    finally:
        for p in procs[::-1]:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
