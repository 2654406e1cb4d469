"""scikit-learn's RandomForestClassifier on the same CSV files as the native trainer, for reference.

usage: python3 sklearn_reference.py TRAIN.csv TEST.csv TARGET TREES [MAX_FEATURES [SEED [MAX_DEPTH MIN_SAMPLES_LEAF CRITERION]]]
MAX_FEATURES as scikit-learn reads it: sqrt, log2, an integer count, or a fraction with a decimal point.
MAX_DEPTH is a whole number or none (grown until pure); CRITERION gini or entropy.
prints one JSON object: fitSeconds, fitCpuSeconds (the process's CPU time), testAccuracy, importances (feature_importances_, in the columns' order), trees, sklearn (version).
"""
import csv
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier


def load(path, target):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        t = header.index(target)
        rows = list(reader)
    x = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in rows])
    y = np.array([r[t] for r in rows])
    return x, y


def parse_max_features(text):
    if text in ("sqrt", "log2"):
        return text
    return float(text) if any(c in text for c in ".eE") else int(text)


def main():
    train_path, test_path, target, trees = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    max_features = parse_max_features(sys.argv[5] if len(sys.argv) > 5 else "sqrt")
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    max_depth = None if len(sys.argv) <= 7 or sys.argv[7] == "none" else int(sys.argv[7])
    min_samples_leaf = int(sys.argv[8]) if len(sys.argv) > 8 else 1
    criterion = sys.argv[9] if len(sys.argv) > 9 else "gini"
    x_train, y_train = load(train_path, target)
    x_test, y_test = load(test_path, target)
    forest = RandomForestClassifier(n_estimators=trees, max_features=max_features, max_depth=max_depth, min_samples_leaf=min_samples_leaf, criterion=criterion, n_jobs=1, random_state=seed)
    started = time.perf_counter()
    started_cpu = time.process_time()
    forest.fit(x_train, y_train)
    fit_seconds = time.perf_counter() - started
    fit_cpu_seconds = time.process_time() - started_cpu
    accuracy = float((forest.predict(x_test) == y_test).mean())
    print(json.dumps({"fitSeconds": fit_seconds, "fitCpuSeconds": fit_cpu_seconds, "testAccuracy": accuracy, "importances": forest.feature_importances_.tolist(), "trees": trees, "sklearn": sklearn.__version__}))


main()
