import numpy as np

from qa.index import vectors as vector_index


def clustered_vectors(count, dimension=32, centers=50, seed=0):
    rng = np.random.default_rng(seed)
    middles = rng.standard_normal((centers, dimension))
    vectors = middles[rng.integers(0, centers, count)] + 0.3 * rng.standard_normal((count, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_small_index_is_exact_and_supports_removal():
    vectors = clustered_vectors(100)
    index = vector_index.updated_index(None, 32, np.array([]), np.arange(1, 101), vectors)
    assert not vector_index.is_approximate(index)
    index = vector_index.updated_index(index, 32, np.array([5]), np.array([]), np.empty((0, 32)))
    _, ids = vector_index.search(index, vectors[4], 3)
    assert 5 not in ids[0] and index.ntotal == 99


def test_index_turns_approximate_past_the_limit_and_keeps_ids_and_recall():
    vectors = clustered_vectors(3000)
    ids = np.arange(10, 3010)
    index = vector_index.updated_index(None, 32, np.array([]), ids, vectors, exact_limit=1000)
    assert vector_index.is_approximate(index) and index.ntotal == 3000
    exact = vector_index.new_index(32)
    exact.add_with_ids(vectors, ids)
    queries = clustered_vectors(50, seed=1)
    overlap = [len(set(vector_index.search(index, q, 10)[1][0]) & set(vector_index.search(exact, q, 10)[1][0]))
               for q in queries]
    assert np.mean(overlap) / 10 >= 0.9


def test_approximate_index_removes_ids_and_filters():
    vectors = clustered_vectors(3000)
    index = vector_index.updated_index(None, 32, np.array([]), np.arange(3000), vectors, exact_limit=1000)
    index = vector_index.updated_index(index, 32, np.array([7]), np.array([]), np.empty((0, 32)),
                                       exact_limit=1000)
    _, found = vector_index.search(index, vectors[7], 5)
    assert 7 not in found[0]
    _, found = vector_index.search(index, vectors[7], 5, allowed_ids=np.array([100, 200]))
    assert set(found[0]) <= {100, 200, -1}
