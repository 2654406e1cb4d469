"""scikit-learn's MLPClassifier on one of its bundled data sets, for the network's accuracy tests.

Usage: mlp_reference.py DATASET EPOCHS LAYERS BATCH SEED  (LAYERS like 256,128)
Prints JSON: the standardised train and test rows (the same split and scaling both sides) and
scikit-learn's test accuracy. Nothing is downloaded: digits, iris, wine and breast_cancer ship
with scikit-learn.
"""
import json
import sys
import warnings

from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

name, epochs, layers, batch, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
model = MLPClassifier(
    hidden_layer_sizes=tuple(int(n) for n in layers.split(",")),
    max_iter=epochs,
    batch_size=batch,
    random_state=seed,
    n_iter_no_change=epochs + 1,
    tol=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)
json.dump(
    {
        "train": {"x": X_train.tolist(), "y": y_train.tolist()},
        "test": {"x": X_test.tolist(), "y": y_test.tolist()},
        "sklearn_accuracy": model.score(X_test, y_test),
    },
    sys.stdout,
)
