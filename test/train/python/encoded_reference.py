"""A user's CSV as they come, and scikit-learn's RandomForestClassifier on the same encoded data.

usage: python3 encoded_reference.py FOLDER DATASET SEEDS TREES
DATASET: wine or breast_cancer. Writes FOLDER/train.csv and FOLDER/test.csv, ';'-separated, with a
shuffled id column first, the most informative feature replaced by its quartile as a word, a text
column of noise, and 5% of the feature cells NA; the same stratified 25% test rows for both sides.
scikit-learn's side: id dropped, text columns ordinal-encoded (OrdinalEncoder: sorted categories),
missing cells filled with the training rows' median (SimpleImputer), as cluster train --drop id
--missing median encodes and fills them. Prints JSON: accuracy per seed, the features in order, the encoded training
columns' sums (to check both sides encode alike), and sklearn's version.
"""
import json
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OrdinalEncoder

folder, name, seeds, trees = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = (load_wine if name == "wine" else load_breast_cancer)(as_frame=True).frame
rng = np.random.default_rng(7)
y = data.pop("target").map(lambda c: "class_" + "abc"[c])
strong = data.columns[int(np.argmax([abs(np.corrcoef(data[c], y.astype("category").cat.codes)[0, 1]) for c in data.columns]))]
data[strong] = pd.qcut(data[strong], 4, labels=["low", "mid", "high", "top"]).astype(str)
data.insert(0, "id", rng.permutation(len(data)) + 1)
data["colour"] = rng.choice(["red", "green", "blue"], len(data))
features = [c for c in data.columns if c != "id"]
holes = rng.random((len(data), len(features))) < 0.05
for j, c in enumerate(features):
    data[c] = data[c].astype(object).where(~holes[:, j], np.nan)
data["label"] = y
train, test = train_test_split(data, test_size=0.25, stratify=y, random_state=0)
train.to_csv(f"{folder}/train.csv", sep=";", index=False, na_rep="NA")
test.to_csv(f"{folder}/test.csv", sep=";", index=False, na_rep="NA")

text = [c for c in features if c in (strong, "colour")]
numeric = [c for c in features if c not in text]
encoder = OrdinalEncoder().fit(train[text])
imputer = SimpleImputer(strategy="median")


def encoded(frame, fit=False):
    x = pd.concat([frame[numeric].astype(float), pd.DataFrame(encoder.transform(frame[text]), columns=text, index=frame.index)], axis=1)[features]
    return imputer.fit_transform(x) if fit else imputer.transform(x)


x_train, x_test = encoded(train, fit=True), encoded(test)
accuracy = []
for seed in range(seeds):
    forest = RandomForestClassifier(n_estimators=trees, n_jobs=1, random_state=seed).fit(x_train, train["label"])
    accuracy.append(float((forest.predict(x_test) == test["label"]).mean()))
print(json.dumps({"accuracy": accuracy, "features": features, "columnSums": x_train.sum(axis=0).tolist(), "sklearn": sklearn.__version__}))
