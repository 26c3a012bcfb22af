"""gunicorn hooks for `bench/load.py --profile`: each worker profiles (cProfile) the requests
it serves, from before the WSGI call to after the body is written, and dumps the stats to
$LOAD_PROFILE_DIR/<pid>.prof when it exits. Not a production setting: only the bench uses it."""

import cProfile
import os


def post_fork(server, worker):
    worker.profiler = cProfile.Profile()


def pre_request(worker, request):
    worker.profiler.enable()


def post_request(worker, request, environ, response):
    worker.profiler.disable()


def worker_exit(server, worker):
    worker.profiler.dump_stats(os.path.join(os.environ["LOAD_PROFILE_DIR"], f"{worker.pid}.prof"))
