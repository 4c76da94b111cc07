# tests/lsp/gen_spec.awk - a YAML spec with N layers (awk -v n=N) using
# every layer field the front end reads, graph edges, repeats, wrappers,
# block and flow items, comments and non-ASCII names (astral ones too):
# the text tests/suite_lsp_server.sh edits at random with
# `nnlint lsp --self-check`.
BEGIN {
  print "# générée: spec with every layer field"
  print "name: mixed-😀\ntask: classification\nclasses: 10"
  print "inputs:\n  - {name: x, shape: [32, 32, 3], dtype: uint8, range: [0, 255], kind: image}"
  print "outputs:\n  - name: y\n    layer: out\n    normalize: standardize\n# the layers"
  print "layers:"
  for (i = 0; i < n; i++) {
    k = i % 12
    if (k == 0) printf "  - {type: Conv2D, name: c%d, filters: %d, kernel_size: 3, activation: relu, kernel_initializer: zeros}\n", i, 8 + i % 5
    else if (k == 1) printf "  - type: Dense\n    name: \"dé%d_😀\"\n    units: %d\n    activation: relu\n    kernel_initializer: {type: RandomNormal, stddev: 1.5}\n    bias_initializer: ones\n", i, 16 + i % 3
    else if (k == 2) printf "  - {type: Dropout, rate: 0.%d}   # drop ✓\n", 1 + i % 8
    else if (k == 3) printf "  - {type: BatchNormalization, name: bn%d}\n", i
    else if (k == 4) printf "  - {type: Dense, name: r%d, units: 4, activation: tanh, kernel_regularizer: l2, repeat: 2}\n", i
    else if (k == 5) printf "  - {type: Lambda, name: lam%d, function: \"lambda x: tf.round(x)\"}\n", i
    else if (k == 6) printf "  - {type: Cast, dtype: int32}\n"
    else if (k == 7) printf "  - {type: Dense, name: e%d, units: 3, activation: relu, kernel_initializer: he_normal, bottleneck: true}\n", i
    else if (k == 8) printf "  - {type: Add, name: add%d, inputs: [r%d, e%d]}\n", i, i - 4, i - 1
    else if (k == 9) printf "  - type: Bidirectional\n    layer: {type: LSTM, units: %d, activation: sigmoid}\n    # ünïcode comment\n", 5 + i % 4
    else if (k == 10) printf "  - {type: Dense, name: 'q%d', units: 2000, activation: softmax, kernel_initializer: constant}\n", i
    else printf "  -   {type: ReLU}\n\n"
  }
  print "  - {type: Dense, name: out, units: 10, activation: relu}"
  print "training:\n  optimizer: {type: SGD, learning_rate: 0.5, momentum: 0.9}\n  loss: mse\n  metrics: [mean_squared_error]\n  batch_size: 32\n  epochs: 5\n  validation_split: 0.1\n  augmentation: [random_flip]\ndataset_size: 60000"
}
