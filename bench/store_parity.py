"""The index folder (FAISS + bm25s) against Milvus Lite on the same releases, in one run.

Usage: python bench/store_parity.py [--work DIR] [--repeat 3] [--questions FILE ...] [PATH ...]
PATHs default to corpus/ and the 751 White House releases of tests/data. Both stores are
built from one embedding pass (the second ingest reads the first one's vectors from a cache,
so the two hold identical vectors). Then, for each store:
  - `qa eval` scores of each question file (answer accuracy, recall@5; dev set by default);
  - `ask` latency over bench/latency_questions.txt: p50 per round, rounds alternating
    between the stores (`--repeat` rounds each), medians and the Milvus/FAISS ratio.
Prints what it measured; nothing is compared with remembered figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from qa import Assistant
from qa.config import Settings
from qa.evaluate.evaluation import Evaluator
from qa.evaluate.questions import load_questions
from qa.index.embedder import Embedder
from qa.ingest.pipeline import Ingestor

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [REPO / "corpus", REPO / "tests" / "data" / "whitehouse-foreign-affairs-2021-2022.jsonl.gz"]


class CachingEmbedder:
    """The real embedder, with the passages it embedded remembered: the second store gets the same vectors."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.cache: dict[tuple, tuple] = {}
        self.model_name, self.dimension = embedder.model_name, embedder.dimension
        self.max_content_tokens = embedder.max_content_tokens

    def count_tokens(self, texts):
        return self.embedder.count_tokens(texts)

    def embed_queries(self, texts):
        return self.embedder.embed_queries(texts)

    def embed_passages(self, texts, sentence_spans):
        keys = [(text, tuple(map(tuple, spans))) for text, spans in zip(texts, sentence_spans)]
        missing = [i for i, key in enumerate(keys) if key not in self.cache]
        if missing:
            vectors, sentences = self.embedder.embed_passages([texts[i] for i in missing],
                                                              [sentence_spans[i] for i in missing])
            for i, vector, sentence_vectors in zip(missing, vectors, sentences):
                self.cache[keys[i]] = (vector, sentence_vectors)
        found = [self.cache[key] for key in keys]
        return [vector for vector, _ in found], [sentences for _, sentences in found]


def p50_ms(assistant: Assistant, questions: list[str]) -> float:
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    parser.add_argument("--work", type=Path, help="folder for the two stores (default: a temporary one)")
    parser.add_argument("--questions", nargs="+", type=Path, default=[REPO / "tests" / "data" / "dev_questions.jsonl"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="store-parity-"))
    embedder = CachingEmbedder(Embedder())
    stores = {"faiss": Settings(store=f"faiss:{work / 'index'}"),
              "milvus-lite": Settings(store=f"milvus-lite:{work / 'index.db'}")}
    for name, settings in stores.items():
        started = time.perf_counter()
        report = Ingestor(settings, embedder=embedder, progress=False).run(args.paths)
        print(f"{name}: ingest {report.summary()} [{time.perf_counter() - started:.0f} s wall]", flush=True)
    assistants = {name: Assistant.open(settings=settings, embedder=embedder.embedder)
                  for name, settings in stores.items()}
    for path in args.questions:
        questions = load_questions(path)
        answers = {}
        for name, assistant in assistants.items():
            report = Evaluator(assistant).run(questions)
            scores = report.overall
            answers[name] = [(r.answer, r.cited_release_ids, r.retrieved_release_ids) for r in report.results]
            print(f"{path.name} on {name}: {len(questions)} questions, answer accuracy "
                  f"{100 * scores.answer_accuracy:.1f}%, accuracy {100 * scores.accuracy:.1f}%, "
                  f"recall@5 {100 * scores.recall_at_5:.1f}%, recall@10 {100 * scores.recall_at_10:.1f}%", flush=True)
        same = sum(a == b for a, b in zip(*answers.values()))
        print(f"{path.name}: {same} of {len(questions)} answers identical in both stores (text, cited releases, releases retrieved)")
    latency_questions = [line.strip() for line in (REPO / "bench" / "latency_questions.txt").read_text().splitlines()
                         if line.strip() and not line.startswith("#")]
    for assistant in assistants.values():  # warm: caches, loaded collections
        p50_ms(assistant, latency_questions[:5])
    rounds: dict[str, list[float]] = {name: [] for name in assistants}
    for round_number in range(args.repeat):
        order = list(assistants) if round_number % 2 == 0 else list(reversed(list(assistants)))
        for name in order:
            rounds[name].append(p50_ms(assistants[name], latency_questions))
        print(f"round {round_number + 1}: " + ", ".join(f"{name} p50 {rounds[name][-1]:.1f} ms" for name in order),
              flush=True)
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    print(f"ask p50 over {len(latency_questions)} questions, median of {args.repeat} rounds: "
          + ", ".join(f"{name} {value:.1f} ms" for name, value in medians.items())
          + f"; milvus-lite / faiss = {medians['milvus-lite'] / medians['faiss']:.2f}x")


if __name__ == "__main__":
    main()
