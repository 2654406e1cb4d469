"""The dask engine's driver: scikit-learn's RandomForestClassifier fitted through joblib's dask backend.

Started by `cluster bench --engine dask` with the coordinator's python:

    python dask_driver.py SCHEDULER DATA_DIR

DATA_DIR holds x_train.npy, y_train.npy, x_test.npy and y_test.npy, the very rows the native
engine trains and tests on. The driver answers one JSON line per JSON line it reads on stdin:

    {"op": "workers"} -> {"workers": [[name, threads], ...]}
    {"op": "fit", "workers": [names], "restrict": bool, "timeout": seconds for the workers to join, "trees": N, "params": {RandomForestClassifier keyword arguments}}
    -> {"progress": trees done} lines while it fits, then {"seconds", "accuracy", "trees": [[worker, thread, start, end], ...] by tree index,
        "tasks": [[worker, start, end], ...] (Dask's task stream), "faults": [[worker, at, tasks], ...]}

Times are seconds from the start of the fit. The first line it writes is {"ready": versions}.
"""

import json
import sys
import threading
import time

import numpy as np


_output = threading.Lock()


def reply(message):
    # joblib reports progress from its callback threads: one whole line at a time.
    with _output:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def main():
    scheduler, data_dir = sys.argv[1], sys.argv[2]
    import dask
    import distributed
    import joblib
    import sklearn
    import sklearn.ensemble._forest as forest_module
    from distributed import Client

    # Every tree is stamped with the worker and thread that grew it and when, so the timeline and
    # the per-host figures work as they do for the native engine. Defined in __main__, the
    # wrapper travels to the workers by value; the function it wraps travels by reference.
    build = forest_module._parallel_build_trees

    def stamped_build(tree, *args, **kwargs):
        from distributed import get_worker

        start = time.time()
        fitted = build(tree, *args, **kwargs)
        try:
            worker = get_worker().name
        except ValueError:
            worker = None
        fitted.cluster_stamp_ = (worker, threading.get_ident(), start, time.time())
        return fitted

    forest_module._parallel_build_trees = stamped_build

    # joblib calls this in the driver as each batch of trees comes back: the coordinator's progress.
    report = joblib.parallel.Parallel.print_progress

    def print_progress(self):
        reply({"progress": self.n_completed_tasks})
        report(self)

    joblib.parallel.Parallel.print_progress = print_progress

    load = lambda name: np.load(f"{data_dir}/{name}.npy")
    data = {name: load(name) for name in ("x_train", "y_train", "x_test", "y_test")}
    client = Client(scheduler, timeout=20)
    reply({"ready": {"python": "%d.%d.%d" % sys.version_info[:3], "dask": dask.__version__, "distributed": distributed.__version__, "sklearn": sklearn.__version__, "joblib": joblib.__version__}})

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            if request["op"] == "workers":
                reply({"workers": sorted([str(info.get("name")), info.get("nthreads", 1)] for info in client.scheduler_info()["workers"].values())})
            elif request["op"] == "fit":
                reply(fit(client, data, request))
            else:
                reply({"error": "unknown op %r" % request["op"]})
        except Exception as error:  # noqa: BLE001 - every failure goes back as one JSON line
            reply({"error": "%s: %s" % (type(error).__name__, error)})


def worker_names(client):
    return sorted(str(info.get("name")) for info in client.scheduler_info()["workers"].values())


def wait_for_workers(client, names, timeout):
    """Until the cluster has the combination's workers (the fit is restricted to them)."""
    wanted = sorted(names)
    deadline = time.time() + timeout
    while True:
        present = worker_names(client)
        if set(wanted) <= set(present):
            return
        if time.time() > deadline:
            raise TimeoutError("the Dask cluster has workers %s, not %s, after %d s" % (present, wanted, timeout))
        time.sleep(0.05)


def fit(client, data, request):
    import joblib
    from distributed import get_task_stream
    from sklearn.ensemble import RandomForestClassifier

    # The other workers of the cluster stay out of this row.
    timeout = request.get("timeout", 60)
    backend = {"wait_for_workers_timeout": timeout, "workers": request["workers"], "allow_other_workers": False}
    if not request.get("restrict"):
        wait_for_workers(client, request["workers"], timeout)
    addresses = {address: str(info.get("name")) for address, info in client.scheduler_info()["workers"].items()}
    params = dict(request["params"])
    # A fraction travels as {"fraction": x}: JSON would turn 1.0 (every feature) into 1 (one feature).
    if isinstance(params.get("max_features"), dict):
        params["max_features"] = float(params["max_features"]["fraction"])
    forest = RandomForestClassifier(n_estimators=request["trees"], n_jobs=-1, **params)
    started = time.time()
    with get_task_stream(client) as stream, joblib.parallel_backend("dask", **backend):
        forest.fit(data["x_train"], data["y_train"])
    ended = time.time()
    seconds = ended - started
    accuracy = float(forest.score(data["x_test"], data["y_test"]))

    trees = []
    for tree in forest.estimators_:
        worker, thread, start, end = tree.cluster_stamp_
        trees.append([worker, thread, start - started, end - started])
    tasks = []
    for task in stream.data:
        for part in task.get("startstops", ()):
            if part.get("action") == "compute":
                tasks.append([addresses.get(task["worker"], task["worker"]), part["start"] - started, part["stop"] - started])
    faults = []
    for at, event in client.get_events("all"):
        if isinstance(event, dict) and event.get("action") == "remove-worker" and started <= at <= ended:
            faults.append([addresses.get(event["worker"], event["worker"]), at - started, len(event.get("processing-tasks", ()))])
    return {"seconds": seconds, "accuracy": accuracy, "trees": trees, "tasks": tasks, "faults": faults}


if __name__ == "__main__":
    main()
