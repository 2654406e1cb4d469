"""The dask engine's driver: scikit-learn's RandomForestClassifier fitted through joblib's dask backend.

Started by `cluster bench --engine dask` with the coordinator's python, first as the sweep's scheduler:

    python dask_driver.py scheduler TLS_DIR HOST...

which writes the sweep's certificates into TLS_DIR (a private folder), listens with TLS on each HOST
(port 0: one free port each, never 0.0.0.0) and writes one line, {"listening": [tls://HOST:PORT, ...]};
then as the driver:

    python dask_driver.py SCHEDULER DATA_DIR [TLS_DIR]

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


# The sweep's own certificate authority signs one certificate per role. Every side requires the
# other's certificate (distributed.security sets CERT_REQUIRED), so only holders of this sweep's
# keys connect; the CA's key never leaves TLS_DIR, which the coordinator removes after the sweep.
ROLES = ("scheduler", "worker", "client")


def write_certificates(folder):
    import datetime
    import os

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def write(name, data):
        descriptor = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    def certificate(subject, key, issuer, issuer_key, authority):
        # Hosts without a real-time clock (a Pi) often boot years off: the dates never refuse a
        # certificate, which lives only as long as the sweep's authority does.
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2000, 1, 1))
            .not_valid_after(datetime.datetime(9999, 12, 31, 23, 59, 59))
            .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        )
        if not authority:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    write("ca.pem", certificate("cluster sweep CA", ca_key, "cluster sweep CA", ca_key, True))
    for role in ROLES:
        key = ec.generate_private_key(ec.SECP256R1())
        write(role + ".key", pem_key(key))
        write(role + ".pem", certificate("cluster " + role, key, "cluster sweep CA", ca_key, False))


def security(folder, role):
    from distributed.security import Security

    files = {"tls_ca_file": folder + "/ca.pem", "tls_%s_cert" % role: "%s/%s.pem" % (folder, role), "tls_%s_key" % role: "%s/%s.key" % (folder, role)}
    return Security(require_encryption=True, **files)


def serve(folder, hosts):
    """The sweep's scheduler: TLS on each of `hosts` only, no HTTP server (no dashboard, no metrics)."""
    import asyncio

    import dask

    try:
        write_certificates(folder)
    except ImportError as error:
        return reply({"missing": str(error)})
    except OSError as error:
        return reply({"error": "%s: %s" % (type(error).__name__, error)})
    from distributed import Scheduler
    from distributed.http.routing import RoutingApplication
    from tornado.httpserver import HTTPServer

    class SchedulerWithoutHttp(Scheduler):
        """Dask starts an HTTP server beside every scheduler, dashboard or not; this one never listens
        (it did on 127.0.0.1 until stopped, a moment after start), and nothing here needs it."""

        def start_http_server(self, routes, dashboard_address, default_port=0, ssl_options=None):
            self.http_application = RoutingApplication(routes)
            self.http_server = HTTPServer(self.http_application)
            self.http_server.port = 0
            self.services["dashboard"] = self.http_server

    async def run():
        with dask.config.set({"distributed.scheduler.http.routes": []}):
            scheduler = SchedulerWithoutHttp(host=list(hosts), port=0, protocol="tls", security=security(folder, "scheduler"), dashboard=False, dashboard_address="127.0.0.1:0", jupyter=False)
        await scheduler
        reply({"listening": [listener.contact_address for listener in scheduler.listeners]})
        await scheduler.finished()

    try:
        asyncio.run(run())
    except Exception as error:  # noqa: BLE001 - the coordinator waits for one line, whatever happened
        reply({"error": "%s: %s" % (type(error).__name__, error)})


def main():
    if sys.argv[1] == "scheduler":
        return serve(sys.argv[2], sys.argv[3:])
    scheduler, data_dir = sys.argv[1], sys.argv[2]
    tls_dir = sys.argv[3] if len(sys.argv) > 3 else None
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
    client = Client(scheduler, timeout=20, security=security(tls_dir, "client") if tls_dir else None)
    reply({"ready": {"python": "%d.%d.%d" % sys.version_info[:3], "dask": dask.__version__, "distributed": distributed.__version__, "sklearn": sklearn.__version__, "joblib": joblib.__version__}})

    for line in requests():
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


def requests():
    """The lines of stdin. Its end stops the driver at once, even mid-fit: the coordinator is closing."""
    import os
    import queue

    lines = queue.Queue()

    def read():
        for line in sys.stdin:
            lines.put(line)
        os._exit(0)

    threading.Thread(target=read, daemon=True).start()
    while True:
        yield lines.get()


def worker_names(client):
    return sorted(str(info.get("name")) for info in client.scheduler_info()["workers"].values())


def wait_for_workers(client, names, timeout):
    """Until the cluster has the combination's workers (the fit is restricted to them)."""
    wanted = sorted(names)
    # A monotonic deadline: a step of the wall clock (NTP on a Pi without a clock) must not end or stretch it.
    deadline = time.monotonic() + timeout
    while True:
        present = worker_names(client)
        if set(wanted) <= set(present):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the Dask cluster has workers %s, not %s, after %d s" % (present, wanted, timeout))
        time.sleep(0.05)


def cpu_sample():
    """This machine's CPU seconds so far, busy and in all, and this process's own (all its threads), as
    the native worker's readCpuSample reports them; machine None without /proc (interference unmeasurable)."""
    import os

    times = os.times()
    own = times[0] + times[1]
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            machine = f.read().strip()
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = fields
        busy = user + nice + system + irq + softirq + steal
        return {"machine": machine, "cpus": os.cpu_count(), "busy": busy / 100, "total": (busy + idle + iowait) / 100, "self": own}
    except (OSError, ValueError):
        return {"machine": None, "cpus": os.cpu_count(), "busy": 0, "total": 0, "self": own}


def engine_samples(client, addresses):
    """[name, role, sample or None] for every process of the engine: the row's workers ("worker"), and
    the scheduler, the nannies, the cluster's other workers and this driver ("engine"), counted as the
    toolkit's own. A process that does not answer has no sample, so its machine goes unmeasured."""
    samples = [["driver", "engine", cpu_sample()]]
    for role, run in (("engine", lambda: {"scheduler": client.run_on_scheduler(cpu_sample)}), ("worker", lambda: client.run(cpu_sample)), ("engine", lambda: client.run(cpu_sample, nanny=True))):
        try:
            answers = run()
        except Exception:  # noqa: BLE001 - e.g. workers without nannies: those processes are not there
            continue
        for address, sample in answers.items():
            samples.append([addresses.get(address, address), role, sample])
    return samples


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
    # The fit's length on a monotonic clock; the wall-clock ends only place the trees' stamps, which
    # Dask's task stream gives in wall-clock time.
    before = engine_samples(client, addresses)
    started, counted = time.time(), time.perf_counter()
    with get_task_stream(client) as stream, joblib.parallel_backend("dask", **backend):
        forest.fit(data["x_train"], data["y_train"])
    ended, seconds = time.time(), time.perf_counter() - counted
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
    # After the scoring and the stamps: the driver's work for this run is all inside the bracket.
    cpu = {"before": before, "after": engine_samples(client, addresses)}
    return {"seconds": seconds, "accuracy": accuracy, "trees": trees, "tasks": tasks, "faults": faults, "cpu": cpu}


if __name__ == "__main__":
    main()
