"""Writes the trainer benchmark's data shapes as train/test CSV files (a header, the class in `label`).

usage: /usr/bin/python3 make_data.py FOLDER SEED [SHAPE ...]
Writes FOLDER/SHAPE-SEED-train.csv and FOLDER/SHAPE-SEED-test.csv for each shape (all by default)
and prints the shapes written, one per line. Needs numpy and scikit-learn (python3-sklearn).
"""
import gzip
import os
import sys

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split


def lognormal_steps(rng, n=20_000):
    """A long-tailed feature (lognormal, rounded to 0.01) whose class flips every 0.1, plus noise."""
    x = np.round(rng.lognormal(0.0, 1.0, n), 2)
    y = (np.floor(x / 0.1).astype(int) % 2)
    noise = rng.normal(size=(n, 5))
    return np.column_stack([x, noise]), y


def integer_code(rng, n=20_000, levels=1000):
    """An integer code of ~1,000 levels whose level decides the class, plus small integers and noise."""
    code = rng.integers(0, levels, n)
    classes = rng.integers(0, 3, levels)
    y = classes[code]
    flip = rng.random(n) < 0.05
    y[flip] = rng.integers(0, 3, flip.sum())
    small = rng.integers(0, 5, (n, 3))
    noise = rng.normal(size=(n, 4))
    return np.column_stack([code, small, noise]), y


def heavy_tails(rng):
    """Cauchy features (huge outliers), a constant column and a duplicated column."""
    x, y = datasets.make_classification(n_samples=10_000, n_features=10, n_informative=5, random_state=int(rng.integers(1 << 30)))
    x = np.sinh(x * 2.5) + rng.standard_cauchy(x.shape) * 0.1
    return np.column_stack([x, np.full(len(x), 7.0), x[:, 0]]), y


def many_classes(rng):
    """40 classes, 12,000 rows."""
    return datasets.make_classification(n_samples=12_000, n_features=20, n_informative=12, n_classes=40, n_clusters_per_class=1, random_state=int(rng.integers(1 << 30)))


def classification(samples, classes):
    def make(rng):
        return datasets.make_classification(n_samples=samples, n_features=20, n_informative=10, n_classes=classes, random_state=int(rng.integers(1 << 30)))
    return make


def images(rng, n=30_000):
    """Image-like: 784 pixel features of integers 0-255 (most of them dark), 10 classes."""
    x, y = datasets.make_classification(n_samples=n, n_features=784, n_informative=40, n_redundant=0, n_classes=10, n_clusters_per_class=1, class_sep=2.0, random_state=int(rng.integers(1 << 30)))
    return np.clip(np.round(x * 48), 0, 255), y


FASHION = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(FASHION, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape[0], -1)


def fashion(rng, n=20_000):
    """Fashion-MNIST (Debian's dataset-fashion-mnist): n of its 60,000 training images, drawn by the seed,
    and its 10,000 test images; 784 pixels of 0-255, 10 classes. Returns the split itself."""
    if not os.path.isdir(FASHION):
        sys.exit(f"{FASHION} is missing: apt-get install dataset-fashion-mnist")
    x, y = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz").ravel()
    pick = rng.choice(len(x), n, replace=False)
    return x[pick].astype(float), idx("t10k-images-idx3-ubyte.gz").astype(float), y[pick], idx("t10k-labels-idx1-ubyte.gz").ravel()


def bundled(loader):
    def make(rng):
        data = loader()
        return data.data, data.target
    return make


SHAPES = {
    "lognormal-steps": lognormal_steps,
    "integer-code": integer_code,
    "breast-cancer": bundled(datasets.load_breast_cancer),
    "digits": bundled(datasets.load_digits),
    "ten-class": classification(20_000, 10),
    "binary": classification(20_000, 2),
    "large": classification(200_000, 2),
    "heavy-tails": heavy_tails,
    "many-classes": many_classes,
    "images": images,
    "fashion": fashion,
    "iris": bundled(datasets.load_iris),
    # Small enough for the tests to run in seconds.
    "lognormal-steps-small": lambda rng: lognormal_steps(rng, 4_000),
    "integer-code-small": lambda rng: integer_code(rng, 4_000, 200),
    "wine": bundled(datasets.load_wine),
}


def write(path, x, y):
    with open(path, "w") as f:
        f.write(",".join([f"x{i}" for i in range(x.shape[1])] + ["label"]) + "\n")
        for row, label in zip(x, y):
            f.write(",".join(str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v)) for v in row) + f",c{label}\n")


def main():
    folder, seed = sys.argv[1], int(sys.argv[2])
    names = sys.argv[3:] or list(SHAPES)
    os.makedirs(folder, exist_ok=True)
    for name in names:
        rng = np.random.default_rng(seed)
        made = SHAPES[name](rng)
        if len(made) == 4:
            x_train, x_test, y_train, y_test = made
        else:
            x, y = made
            x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
        write(os.path.join(folder, f"{name}-{seed}-train.csv"), x_train, y_train)
        write(os.path.join(folder, f"{name}-{seed}-test.csv"), x_test, y_test)
        print(name)


main()
