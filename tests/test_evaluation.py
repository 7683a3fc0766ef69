"""evaluate(), Report and zoo.metrics on predictions whose scores are worked out by hand."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import balanced_accuracy_score

from zoo.evaluation import Report, evaluate, metrics

# Ten examples of three classes (a fourth output class never occurs in the labels).
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
Y_PRED = np.array([0, 0, 1, 2, 1, 1, 0, 2, 2, 1])
# Runner-up class of each example: the true class for examples 2 and 6 only.
SECOND = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 3])


def identity_model(num_classes):
    """A model whose output is its input, so the test data are its predictions."""
    inputs = keras.Input((num_classes,))
    return keras.Model(inputs, keras.layers.Identity()(inputs))


def scores(y_pred, second, num_classes):
    p = np.full((len(y_pred), num_classes), 0.1 / max(num_classes - 2, 1), dtype="float32")
    p[np.arange(len(p)), second] = 0.3
    p[np.arange(len(p)), y_pred] = 0.6
    return p


@pytest.fixture(scope="module")
def report():
    probs = scores(Y_PRED, SECOND, 4)
    return evaluate(identity_model(4), (probs, Y_TRUE), class_names="abcd", top_k=2)


def test_headline_metrics_equal_hand_computed_values(report):
    assert report.num_classes == 4 and report.top_k == 2
    assert report.accuracy == pytest.approx(0.6)
    # Per class: precision 2/3, 2/4, 2/3; recall 2/4, 2/3, 2/3; F1 4/7, 4/7, 2/3.
    assert report.precision == pytest.approx(11 / 18)
    assert report.recall == pytest.approx(11 / 18)
    assert report.f1 == pytest.approx(38 / 63)
    assert report.average_top1_recall == pytest.approx(11 / 18)
    assert report.average_top1_recall == pytest.approx(balanced_accuracy_score(Y_TRUE, Y_PRED))
    # Top-2 adds examples 2 and 6, whose runner-up is the true class.
    assert report.top_k_accuracy == pytest.approx(0.8)


def test_per_class_values_and_confusion_matrix(report):
    pc = report.per_class
    np.testing.assert_allclose(pc["precision"], [2 / 3, 1 / 2, 2 / 3, 0])
    np.testing.assert_allclose(pc["recall"], [1 / 2, 2 / 3, 2 / 3, 0])
    np.testing.assert_allclose(pc["accuracy"], pc["recall"])
    np.testing.assert_allclose(pc["f1"], [4 / 7, 4 / 7, 2 / 3, 0])
    np.testing.assert_array_equal(pc["support"], [4, 3, 3, 0])
    # The absent class "d" still has a row and a column, all zeros.
    expected = [[2, 1, 1, 0], [1, 2, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(report.confusion_matrix, expected)
    np.testing.assert_array_equal(report.y_true, Y_TRUE)
    np.testing.assert_array_equal(report.y_pred, Y_PRED)
    assert report.class_names == ["a", "b", "c", "d"]


def test_best_and_worst_classes_order():
    accuracy = [0.3, 0.9, 0.5, 1.0, 0.1, 0.7, 0.5]
    y_true = np.repeat(np.arange(7), 10)
    y_pred = y_true.copy()
    for c, acc in enumerate(accuracy):
        wrong = np.flatnonzero(y_true == c)[round(acc * 10) :]
        y_pred[wrong] = (c + 1) % 7
    names = [f"class{c}" for c in range(7)]
    r = evaluate(identity_model(7), (np.eye(7)[y_pred], y_true), class_names=names)
    np.testing.assert_allclose(r.per_class["accuracy"], accuracy)
    assert r.best_classes(3) == [("class3", 1.0), ("class1", 0.9), ("class5", 0.7)]
    # Ties (classes 2 and 6 at 0.5) go to the lower class id.
    assert r.worst_classes(3) == [("class4", 0.1), ("class0", 0.3), ("class2", 0.5)]
    assert len(r.best_classes()) == 5
    text = str(r)
    assert "average top-1 recall" in text and "class3" in text and "best 5" in text


def test_absent_classes_are_not_ranked(report):
    assert [name for name, _ in report.worst_classes(10)] == ["a", "b", "c"]
    assert "1 classes absent" in str(report)


def test_to_dict_and_save_round_trip_through_json(report, tmp_path):
    d = report.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["confusion_matrix"][3] == [0, 0, 0, 0]
    path = report.save(tmp_path / "deep" / "report.json")
    assert json.loads(path.read_text()) == d
    loaded = Report.load(path)
    assert loaded.to_dict() == d
    np.testing.assert_array_equal(loaded.confusion_matrix, report.confusion_matrix)
    assert str(loaded) == str(report)


def test_dataset_batches_and_tuple_give_the_same_report(report):
    tf = pytest.importorskip("tensorflow")
    probs = scores(Y_PRED, SECOND, 4)
    dataset = tf.data.Dataset.from_tensor_slices((probs, Y_TRUE)).batch(3)
    from_dataset = evaluate(identity_model(4), dataset, class_names="abcd", top_k=2)
    assert from_dataset.to_dict() == report.to_dict()
    # Any iterable of numpy batches works too, with one-hot labels.
    batches = [(probs[:6], np.eye(4)[Y_TRUE[:6]]), (probs[6:], np.eye(4)[Y_TRUE[6:]])]
    from_batches = evaluate(identity_model(4), batches, class_names="abcd", top_k=2)
    assert from_batches.to_dict() == report.to_dict()


def test_unbatched_dataset_is_refused():
    tf = pytest.importorskip("tensorflow")
    dataset = tf.data.Dataset.from_tensor_slices((np.eye(3, dtype="float32"), [0, 1, 2]))
    with pytest.raises(ValueError, match="unbatched"):
        evaluate(identity_model(3), dataset)


def test_logits_score_like_probabilities():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 5)).astype("float32") * 3
    y = rng.integers(0, 5, size=50)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    a = evaluate(identity_model(5), (logits, y), top_k=3)
    b = evaluate(identity_model(5), (softmax, y), top_k=3, batch_size=7)
    assert a.to_dict() == b.to_dict()
    assert a.average_top1_recall == pytest.approx(balanced_accuracy_score(y, a.y_pred))
    assert a.recall == pytest.approx(a.average_top1_recall)
    assert a.class_names == ["0", "1", "2", "3", "4"]


def test_bad_inputs_raise():
    model = identity_model(3)
    x = np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    with pytest.raises(ValueError, match="Received: len\\(labels\\)=3, len\\(predictions\\)=4"):
        evaluate(model, (x, [0, 1, 2]))
    with pytest.raises(ValueError, match="Received: labels from 0 to 3"):
        evaluate(model, (x, [0, 1, 2, 3]))
    with pytest.raises(ValueError, match="Received: 2 class names"):
        evaluate(model, (x, [0, 1, 2, 0]), class_names=["a", "b"])


def test_metrics_functions():
    assert metrics.accuracy(Y_TRUE, Y_PRED) == pytest.approx(0.6)
    assert metrics.average_top1_recall(Y_TRUE, Y_PRED) == pytest.approx(11 / 18)
    assert metrics.average_top1_recall(Y_TRUE, Y_PRED) == pytest.approx(
        balanced_accuracy_score(Y_TRUE, Y_PRED)
    )
    probs = scores(Y_PRED, SECOND, 4)
    assert metrics.top_k_accuracy(Y_TRUE, probs, 1) == pytest.approx(0.6)
    assert metrics.top_k_accuracy(Y_TRUE, probs, 2) == pytest.approx(0.8)
    assert metrics.top_k_accuracy(Y_TRUE, probs, 10) == 1.0
    # Labels as (N, 1) columns and as one-hot rows are the same labels.
    assert metrics.top_k_accuracy(Y_TRUE[:, None], probs, 2) == pytest.approx(0.8)
    assert metrics.accuracy(np.eye(4)[Y_TRUE], Y_PRED) == pytest.approx(0.6)


def test_metrics_raise_on_mismatched_lengths():
    with pytest.raises(ValueError, match="Received: len\\(y_true\\)=9, len\\(y_pred\\)=10"):
        metrics.average_top1_recall(Y_TRUE[:9], Y_PRED)
    with pytest.raises(ValueError, match="Received: len\\(y_true\\)=5, len\\(probabilities\\)=10"):
        metrics.top_k_accuracy(Y_TRUE[:5], scores(Y_PRED, SECOND, 4), 2)
    with pytest.raises(ValueError, match="Received: k=0"):
        metrics.top_k_accuracy(Y_TRUE, scores(Y_PRED, SECOND, 4), 0)
    with pytest.raises(ValueError, match="Received: probabilities.shape=\\(10,\\)"):
        metrics.top_k_accuracy(Y_TRUE, Y_PRED, 2)


def test_flip_averages_each_image_with_its_mirror_image():
    # Pixel left votes class 0, pixel right class 1, and both a little for class 2:
    # an image lit on the left reads 0, its mirror 1, and the average of the two 2.
    model = keras.Sequential(
        [keras.Input((1, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(3, use_bias=False)]
    )
    model.layers[-1].set_weights([np.array([[1.0, 0.0, 0.9], [0.0, 1.0, 0.9]])])
    model = keras.Sequential([model, keras.layers.Softmax()])
    x = np.array([[[[4.0], [0.0]]]] * 2, np.float32)
    y = np.array([2, 2])
    assert evaluate(model, (x, y)).accuracy == 0.0
    assert evaluate(model, (x, y), flip=True).accuracy == 1.0
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    assert evaluate(model, dataset, flip=True).accuracy == 1.0
