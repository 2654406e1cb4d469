"""The torch engine's rank: one process per host, PyTorch's DistributedDataParallel over gloo.

`cluster bench --engine torch` starts it through the host's shell (a local child, or an exec channel
over the host's SSH session) as

    python3 -u -c BOOTSTRAP rank HOST

and sends on its standard input this file's source (a length line, then the bytes), one JSON line
of settings, then the rows as little-endian binary: the training values (float64, rows x features),
the training labels (int32), and, for rank 0, the test values and labels, the very rows the native
engine trains and scores on (standardised on the training rows).

The rendezvous goes over the same standard input and output, never a TCPStore: the process group's
key-value store is this process asking the coordinator, one JSON line each way, so nothing listens
for it. Gloo's own connections between the ranks listen on `bind`, the one address of this host the
others reach it at; they are plain TCP, which gloo offers no way to authenticate (docs/security.md).

Lines it writes: {"store": ...} requests, {"started": true} once the group has formed,
{"progress": chunks} from rank 0, then one
{"result": {...}} or {"error": "..."}. It exits when its input ends (the coordinator stopped, or the
SSH connection dropped), whatever it is doing.
"""

import base64
import hashlib
import json
import os
import sys
import threading
import time

_output = threading.Lock()


def write(message):
    with _output:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def read_exactly(stream, size):
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("the coordinator's input ended while the rows were being sent")
    return data


class Replies:
    """Answers from the coordinator to this rank's store requests, in order; the input's end exits."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()
        self.ready = threading.Condition(self.lock)
        self.queue = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.stream:
            with self.lock:
                self.queue.append(json.loads(line))
                self.ready.notify_all()
        # No coordinator any more: nothing this process does can matter, and no one would stop it.
        os._exit(3)

    def next(self):
        with self.lock:
            while not self.queue:
                self.ready.wait()
            return self.queue.pop(0)


def make_store(dist, replies):
    class CoordinatorStore(dist.Store):
        """c10d's store, kept by the coordinator and reached over this process's own input and output."""

        def __init__(self):
            super().__init__()
            self.lock = threading.Lock()

        def ask(self, request):
            with self.lock:
                write({"store": request})
                reply = replies.next()
            if "error" in reply:
                raise RuntimeError(reply["error"])
            return reply.get("value")

        def set(self, key, value):
            data = value if isinstance(value, (bytes, bytearray)) else str(value).encode()
            self.ask({"op": "set", "key": key, "value": base64.b64encode(bytes(data)).decode()})

        def get(self, key):
            return base64.b64decode(self.ask({"op": "get", "key": key}))

        def add(self, key, amount):
            return int(self.ask({"op": "add", "key": key, "amount": int(amount)}))

        def compare_set(self, key, expected, desired):
            encode = lambda v: base64.b64encode(v if isinstance(v, (bytes, bytearray)) else str(v).encode()).decode()
            return base64.b64decode(self.ask({"op": "compare_set", "key": key, "expected": encode(expected), "desired": encode(desired)}))

        def wait(self, keys, timeout=None):
            self.ask({"op": "wait", "keys": list(keys)})

        def check(self, keys):
            return bool(self.ask({"op": "check", "keys": list(keys)}))

        def delete_key(self, key):
            return bool(self.ask({"op": "delete", "key": key}))

        def num_keys(self):
            return int(self.ask({"op": "num_keys"}))

        def set_timeout(self, timeout):
            pass

    return CoordinatorStore()


def build_model(torch, settings):
    """The experiment's MLP, its weights and biases uniform in +-sqrt(6 / (fan in + fan out)) from the seed, as scikit-learn draws them."""
    sizes = [settings["features"]] + settings["layers"] + [settings["classes"]]
    generator = torch.Generator().manual_seed(settings["seed"])
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        bound = (6.0 / (sizes[i] + sizes[i + 1])) ** 0.5
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if settings["activation"] == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def rank_main():
    source = sys.stdin.buffer
    settings = json.loads(source.readline())
    rank, world = settings["rank"], settings["world"]
    rows, features = settings["rows"], settings["features"]

    import numpy as np

    x_train = np.frombuffer(read_exactly(source, rows * features * 8), dtype="<f8").reshape(rows, features)
    y_train = np.frombuffer(read_exactly(source, rows * 4), dtype="<i4")
    test_rows = settings["testRows"]
    if test_rows:
        x_test = np.frombuffer(read_exactly(source, test_rows * features * 8), dtype="<f8").reshape(test_rows, features)
        y_test = np.frombuffer(read_exactly(source, test_rows * 4), dtype="<i4")
    replies = Replies(source)

    import datetime

    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    # 0: as many as this host's CPUs (an SSH host without cores in the inventory).
    threads = settings["threads"] or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    options = dist.ProcessGroupGloo._Options()
    options._devices = [dist.ProcessGroupGloo.create_device(hostname=settings["bind"])]
    options._timeout = datetime.timedelta(seconds=settings["timeoutSeconds"])
    group = dist.ProcessGroupGloo(make_store(dist, replies), rank, world, options)

    model = build_model(torch, settings)
    # DDP broadcasts rank 0's weights to the others: every rank starts from the same ones.
    ddp = DistributedDataParallel(model, process_group=group)
    marks = {}

    def timed_allreduce(state, bucket):
        now = time.perf_counter()
        marks.setdefault("sent", now)
        buffer = bucket.buffer()

        def summed(future):
            marks["summed"] = time.perf_counter()
            return future.value()[0]

        return group.allreduce([buffer]).get_future().then(summed)

    ddp.register_comm_hook(None, timed_allreduce)
    if settings["optimizer"] == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=settings["learningRate"])
    else:
        # scikit-learn's momentum (velocity = m v - lr g), which torch's plain momentum is for a constant rate.
        optimizer = torch.optim.SGD(model.parameters(), lr=settings["learningRate"], momentum=settings["momentum"])
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    x = torch.from_numpy(x_train.astype(np.float32))
    y = torch.from_numpy(y_train.astype(np.int64))
    batch, alpha, chunk_rows = settings["batchSize"], settings["alpha"], settings["chunkRows"]
    cross_entropy = torch.nn.CrossEntropyLoss(reduction="sum")

    group.barrier().wait()
    write({"started": True})
    started, cpu_started = time.perf_counter(), time.process_time()
    starts, computing, reducing, chunks_done, my_chunks, reported = [], [], [], 0, 0, started
    for epoch in range(settings["epochs"]):
        order = torch.randperm(rows, generator=torch.Generator().manual_seed(settings["seed"] * 1000003 + epoch))
        for at in range(0, rows, batch):
            step_rows = order[at : at + batch]
            n = len(step_rows)
            # DDP's equal split: rank r takes its n / world rows of the global batch.
            share = step_rows[rank * n // world : (rank + 1) * n // world]
            begun = time.perf_counter()
            marks.clear()
            optimizer.zero_grad(set_to_none=True)
            out = ddp(x[share])
            # DDP averages the ranks' gradients: each rank's sum scaled by world / n makes the mean over the whole batch, whatever the shares.
            loss = cross_entropy(out, y[share]) * (world / n)
            if alpha:
                loss = loss + alpha * sum((w * w).sum() for w in weights) / (2 * n)
            loss.backward()
            optimizer.step()
            ended = time.perf_counter()
            reduce_seconds = marks.get("summed", ended) - marks.get("sent", ended)
            starts.append(begun - started)
            computing.append(ended - begun - reduce_seconds)
            reducing.append(reduce_seconds)
            chunks_done += -(-n // chunk_rows)
            my_chunks += -(-len(share) // chunk_rows)
            if rank == 0 and ended - reported > 0.5:
                reported = ended
                write({"progress": chunks_done})
    group.barrier().wait()
    seconds = time.perf_counter() - started
    result = {
        "rank": rank,
        "seconds": seconds,
        "cpuSeconds": time.process_time() - cpu_started,
        "threads": threads,
        "chunks": my_chunks,
        "starts": starts,
        "compute": computing,
        "allreduce": reducing,
        "bytesPerStep": 2 * 4 * sum(p.numel() for p in model.parameters()),
    }
    if rank == 0:
        with torch.no_grad():
            predicted = model(torch.from_numpy(x_test.astype(np.float32))).argmax(dim=1).numpy() if test_rows else []
        result["accuracy"] = float((predicted == y_test).mean()) if test_rows else 0.0
        digest = hashlib.sha256()
        for p in model.parameters():
            digest.update(p.detach().numpy().astype("<f4").tobytes())
        result["weightsHash"] = digest.hexdigest()
    write({"result": result})
    sys.stdout.flush()
    # Gloo's threads can hold the interpreter's exit: the answer is written, nothing else is owed.
    os._exit(0)


if __name__ == "__main__":
    try:
        rank_main()
    except BaseException as error:  # noqa: BLE001 - the coordinator gets every failure as one line
        write({"error": f"{type(error).__name__}: {error}"})
        sys.stdout.flush()
        os._exit(1)
