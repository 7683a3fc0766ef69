"""The FLOP counter, and smoke-sized runs of the suite and the pipeline benchmark."""

import json

import keras
import pytest
from conftest import runs_on

import zoo
from benchmarks import flops, suite
from benchmarks import pipeline as pipeline_benchmark


def test_flops_counted_from_layers_of_nested_models():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3)(inputs)  # valid: 6x6 outputs, each 3*3*3 MACs per filter
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(5)(x)
    classifier = keras.Model(inputs, outputs)
    conv_macs = 6 * 6 * (3 * 3 * 3) * 4
    dense_macs = (6 * 6 * 4) * 5
    assert flops.forward_flops(classifier) == 2 * (conv_macs + dense_macs)

    latent = keras.Input((4, 4, 2))
    decoder = keras.Model(latent, keras.layers.Conv2DTranspose(3, 2, strides=2)(latent))
    images, codes = keras.Input((8, 8, 3)), keras.Input((4, 4, 2))
    both = keras.Model([images, codes], [classifier(images), decoder(codes)])
    deconv_macs = (4 * 4) * (2 * 2 * 2) * 3  # each input position times the whole kernel
    assert flops.training_flops(both) == 3 * 2 * (conv_macs + dense_macs + deconv_macs)


@pytest.mark.integration
def test_suite_smoke_rows(data_dir, tmp_path):
    # Fashion-MNIST is not prepared in data_dir, so the pipeline is measured on digits.
    result = suite.run(["idl_fmnist_mlp"], smoke=True, data_dir=data_dir)
    assert result["backend"] == keras.backend.backend()
    assert result["matmul_gflops"] > 0
    (row,) = result["rows"]
    for key in (
        "zoo_images_per_s",
        "plain_images_per_s",
        "zoo_over_plain",
        "train_gflop_per_image",
        "gflops",
        "fraction_of_matmul",
        "pipeline_images_per_s",
        "pipeline_over_model",
        "peak_rss_mib",
    ):
        assert row[key] > 0, key
    assert row["train_gflop_per_image"] * 1e9 == 3 * 2 * (784 * 512 + 512 * 10)
    assert row["pipeline_dataset"].startswith("digits 28x28")
    assert "| idl_fmnist_mlp |" in suite.table(result)

    for backend in ("tensorflow", "jax"):
        (tmp_path / f"suite-{backend}.json").write_text(json.dumps(result))
    assert "| idl_fmnist_mlp |" in suite.backend_ratios(tmp_path)


def test_time_to_accuracy_figure_with_and_without_points_near_the_targets(tmp_path):
    from benchmarks import time_to_accuracy

    for name, accuracies in (("early", [0.5, 0.8]), ("late", [0.6, 0.92, 0.948])):
        rows = [{"train_minutes": i + 1.0, "test_accuracy": a} for i, a in enumerate(accuracies)]
        path = tmp_path / f"{name}.png"
        time_to_accuracy.plot(rows, path, name)
        assert path.stat().st_size > 10_000


@pytest.mark.integration
@runs_on("tensorflow")  # tf.data alone, the same on every backend
def test_pipeline_benchmark_smoke_rows(data_dir):
    result = pipeline_benchmark.run(smoke=True, data_dir=data_dir)
    variants = {(row["kind"], row["variant"]) for row in result["rows"]}
    assert variants == {
        (kind, variant)
        for kind in ("plain", "augmented")
        for variant in ("chunks", "batch per call", "seeded")
    }
    assert all(row["images_per_s"] > 0 for row in result["rows"])
    assert "| augmented | seeded |" in pipeline_benchmark.table(result)


@pytest.mark.integration
def test_options_benchmark_rows_per_policy_and_xla_setting():
    from benchmarks import options

    result = options.run(["idl_fmnist_mlp"], images=64, rounds=1)
    settings = [(r["policy"], r["jit_compile"], r["uses_xla"]) for r in result["rows"]]
    if keras.backend.backend() == "jax":  # always XLA
        assert settings == [("float32", "auto", True), ("mixed_bfloat16", "auto", True)]
    else:  # no GPU here: Keras's "auto" leaves TensorFlow's XLA off
        assert settings == [
            ("float32", "auto", False),
            ("float32", True, True),
            ("mixed_bfloat16", "auto", False),
            ("mixed_bfloat16", True, True),
        ]
    assert result["rows"][0]["over_default"] == 1.0
    assert all(r["images_per_s"] > 0 for r in result["rows"])
    assert "| idl_fmnist_mlp | mixed_bfloat16 | auto |" in options.table(result)


def test_feeds_benchmark_times_the_pipeline_against_arrays(data_dir):
    from benchmarks import feeds

    result = feeds.run(["idl_fmnist_mlp"], smoke=True, data_dir=data_dir)
    (row,) = result["rows"]
    assert row["images"] == 256
    assert set(row["rounds"]) == {"zoo.data.load", "arrays"}
    assert row["pipeline_images_per_s"] > 0 and row["arrays_images_per_s"] > 0
    assert "| idl_fmnist_mlp |" in feeds.table(result)


@pytest.mark.integration
@runs_on("tensorflow")  # precise BN and the checks are tested on both in test_training.py
def test_trust_benchmark_times_precise_bn_and_the_data_checks(data_dir):
    from benchmarks import trust

    train = zoo.data.load("digits", batch_size=128, image_size=(28, 28), data_dir=data_dir)
    train = train.take(2)
    for result in (trust.precise_bn_cost(train, rounds=1), trust.check_cost(train, rounds=1)):
        assert result["ratio"] > 0 and all(v > 0 for v in result.values())
