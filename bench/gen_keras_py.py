#!/usr/bin/env python3
"""Generate a large Keras Python program for bench/keras_py.sh.

    gen_keras_py.py OUT LINES SEED   ->  prints "lines bytes"

The program is written the way real Keras scripts are: module-level
hyper-parameters, helper functions that build blocks, Sequential and
functional models, loops, compile and fit calls.  Same seed, same bytes.
"""
import random
import sys

out, want, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
L = ['"""Generated Keras program (nnlint benchmark)."""',
     "import numpy as np", "import tensorflow as tf", "from tensorflow import keras",
     "from tensorflow.keras import layers, regularizers", ""]
k = 0
while len(L) < want:
    k += 1
    units = rnd.choice([32, 64, 128, 256, 512])
    L += ["", "# ---- model %d ----" % k,
          "UNITS_%d = %d" % (k, units), "DROP_%d = %.2f" % (k, rnd.choice([0.1, 0.2, 0.3])),
          "BATCH_%d = %d" % (k, rnd.choice([16, 32, 64, 128])),
          "LR_%d = %g * 2" % (k, rnd.choice([1e-4, 3e-4, 1e-3])), "",
          "def block_%d(x, filters, kernel_size=3):" % k,
          '    """A conv block: conv, norm, activation."""',
          '    y = layers.Conv2D(filters, kernel_size, padding="same",',
          '                      kernel_regularizer=regularizers.l2(1e-4))(x)',
          "    y = layers.BatchNormalization()(y)",
          '    y = layers.Activation("relu")(y)',
          "    return layers.add([x, y]) if x is not None else y", "",
          "def build_%d(input_shape=(32, 32, %d), num_classes=%d):" % (k, rnd.choice([1, 3]), rnd.choice([2, 10, 100])),
          "    inputs = keras.Input(shape=input_shape)",
          '    x = layers.Conv2D(%d, 3, padding="same", activation="relu")(inputs)' % units]
    for i in range(rnd.randrange(2, 6)):
        L.append("    x = block_%d(x, %d)" % (k, units))
    L += ["    x = layers.GlobalAveragePooling2D()(x)",
          "    x = layers.Dropout(DROP_%d)(x)" % k,
          '    outputs = layers.Dense(num_classes, activation="softmax")(x)',
          '    return keras.Model(inputs, outputs, name="model_%d")' % k, "",
          "model_%d = build_%d()" % (k, k),
          "model_%d.compile(optimizer=keras.optimizers.Adam(learning_rate=LR_%d)," % (k, k),
          '                loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
          "model_%d.fit(x_train, y_train, batch_size=BATCH_%d, epochs=%d," % (k, k, rnd.randrange(5, 50)),
          "            validation_split=0.1)", "",
          "seq_%d = keras.Sequential()" % k,
          "seq_%d.add(layers.Dense(UNITS_%d, activation=\"relu\", input_shape=(%d,)))" % (k, k, rnd.randrange(4, 64))]
    for i in range(rnd.randrange(2, 8)):
        L.append("seq_%d.add(layers.Dense(UNITS_%d // %d, activation=\"relu\"))" % (k, k, rnd.choice([1, 2, 4])))
        L.append("seq_%d.add(layers.Dropout(%.2f))" % (k, rnd.choice([0.1, 0.2])))
    L += ["for _ in range(%d):" % rnd.randrange(1, 4),
          "    seq_%d.add(layers.Dense(UNITS_%d, activation=\"relu\"))" % (k, k),
          "seq_%d.add(layers.Dense(1))" % k,
          "seq_%d.compile(optimizer=\"adam\", loss=\"mse\", metrics=[\"mae\"])" % k,
          "seq_%d.fit(x_tab, y_tab, batch_size=BATCH_%d, epochs=20, validation_data=(x_v, y_v))" % (k, k)]
text = "\n".join(L) + "\n"
open(out, "w").write(text)
print(text.count("\n"), len(text.encode()))
