"""PyTorch on one thread, the reference for the network kernels' speed per core (npm run bench:kernels).

usage: /usr/bin/python3 torch_per_core.py TRAIN.csv TEST.csv LAYERS EPOCHS BATCH LEARNING_RATE SEED
Trains an MLP (relu hidden layers, softmax cross-entropy, SGD with momentum 0.9, no weight decay) on
the CSV's standardised features (mean and deviation of the training rows, as `cluster train` does),
the weights drawn uniform in +-sqrt(6 / (fan in + fan out)) as scikit-learn and `cluster` draw them,
and prints one JSON line: the training loop's seconds alone (wall and CPU), samples per second (wall,
as `cluster train` measures its worker's thread) and per CPU second, and the test accuracy. Unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in the command that runs it.
"""
import json
import sys
import time

import numpy as np
import torch


def load(path, columns=None):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return header, data[:, :-1], data[:, -1].astype(np.int64)


def main():
    train_path, test_path, layers, epochs, batch, lr, seed = sys.argv[1:8]
    layers = [int(x) for x in layers.split(",")]
    epochs, batch, lr, seed = int(epochs), int(batch), float(lr), int(seed)
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    _, x, y = load(train_path)
    _, tx, ty = load(test_path)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1
    x = torch.tensor((x - mean) / std, dtype=torch.float32)
    tx = torch.tensor((tx - mean) / std, dtype=torch.float32)
    y, ty = torch.tensor(y), torch.tensor(ty)
    classes = int(max(y.max(), ty.max())) + 1
    sizes = [x.shape[1], *layers, classes]
    modules = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        bound = (6 / (sizes[i] + sizes[i + 1])) ** 0.5
        torch.nn.init.uniform_(linear.weight, -bound, bound)
        torch.nn.init.uniform_(linear.bias, -bound, bound)
        modules += [linear, torch.nn.ReLU()] if i + 2 < len(sizes) else [linear]
    model = torch.nn.Sequential(*modules)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_of = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for start in range(0, x.shape[0], batch):
            rows = order[start : start + batch]
            optimizer.zero_grad()
            loss_of(model(x[rows]), y[rows]).backward()
            optimizer.step()
    seconds, wall = time.process_time() - started, time.perf_counter() - wall
    with torch.no_grad():
        accuracy = (model(tx).argmax(dim=1) == ty).float().mean().item()
    samples = epochs * x.shape[0]
    print(json.dumps({
        "cpuSeconds": seconds,
        "wallSeconds": wall,
        "samplesPerSecond": samples / wall,
        "samplesPerCpuSecond": samples / seconds,
        "testAccuracy": accuracy,
        "torch": torch.__version__,
    }))


main()
