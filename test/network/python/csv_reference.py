"""One of scikit-learn's bundled data sets as CSV files, and its MLPClassifier's accuracy on them.

Usage: csv_reference.py DATASET EPOCHS LAYERS BATCH SEED FOLDER  (LAYERS like 256,128)
Writes FOLDER/train.csv and FOLDER/test.csv (a header f0..fN,label; the raw features, not
standardised: cluster train standardises them itself) with the stratified 25% split of
mlp_reference.py, and prints JSON: scikit-learn's test accuracy with StandardScaler fitted on the
training rows. Nothing is downloaded.
"""
import csv
import json
import sys
import warnings

from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

name, epochs, layers, batch, seed, folder = sys.argv[1:7]
epochs, batch, seed = int(epochs), int(batch), int(seed)
X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
for file, rows, labels in (("train.csv", X_train, y_train), ("test.csv", X_test, y_test)):
    with open(f"{folder}/{file}", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f"f{i}" for i in range(X.shape[1])] + ["label"])
        for row, label in zip(rows, labels):
            writer.writerow([repr(float(value)) for value in row] + [int(label)])
scaler = StandardScaler().fit(X_train)
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
    model.fit(scaler.transform(X_train), y_train)
json.dump({"sklearn_accuracy": model.score(scaler.transform(X_test), y_test)}, sys.stdout)
