"""Precision and recall of the answer verifier on hand-written generated sentences.

Usage: python bench/verifier_cases.py [--cases tests/data/verifier_cases.json ...] [--verbose]
Each case gives the passages shown to the model, one generated sentence with its [n] markers,
and whether those passages support it. "Kept" is the positive class: precision is the share
of kept sentences that are supported, recall the share of supported sentences kept.
Passage sentence vectors are pooled as the index pools them (Embedder.embed_passages).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from qa.answer.verifier import AnswerVerifier, EvidencePassage, VerifierSettings

ROOT = Path(__file__).resolve().parents[1]
CASE_FILES = [ROOT / "tests" / "data" / "verifier_cases.json", ROOT / "tests" / "data" / "verifier_cases_heldout.json"]


def load_cases(path: Path) -> tuple[dict, list[dict]]:
    data = json.loads(path.read_text())
    return data["passages"], data["cases"]


def run_cases(verifier: AnswerVerifier, embedder, passages: dict, cases: list[dict]) -> list[tuple[dict, object]]:
    """(case, verdict) for each case; each passage is embedded once, then numbered as the case lists it."""
    keys = list(passages)
    built = dict(zip(keys, EvidencePassage.from_texts([passages[key]["text"] for key in keys], embedder,
                                                      [passages[key].get("context", "") for key in keys])))
    results = []
    for case in cases:
        given = [replace(built[key], n=n) for n, key in enumerate(case["passages"], start=1)]
        verdicts = verifier.verify(case["answer"], given)
        if len(verdicts) != 1:
            raise ValueError(f"case {case['answer']!r} should be one sentence; the verifier saw {len(verdicts)}")
        results.append((case, verdicts[0]))
    return results


def scores(results: list[tuple[dict, object]]) -> dict:
    kept_right = sum(1 for case, verdict in results if verdict.supported and case["supported"])
    kept = sum(1 for _, verdict in results if verdict.supported)
    supported = sum(1 for case, _ in results if case["supported"])
    unsupported = len(results) - supported
    caught = sum(1 for case, verdict in results if not verdict.supported and not case["supported"])
    by_kind = defaultdict(lambda: [0, 0])
    for case, verdict in results:
        by_kind[case["kind"]][0] += verdict.supported == case["supported"]
        by_kind[case["kind"]][1] += 1
    return {"cases": len(results), "precision": kept_right / kept if kept else 1.0,
            "recall": kept_right / supported if supported else 1.0,
            "unsupported_caught": caught / unsupported if unsupported else 1.0,
            "by_kind": {kind: f"{right}/{total}" for kind, (right, total) in sorted(by_kind.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=[str(path) for path in CASE_FILES if path.exists()])
    parser.add_argument("--verbose", action="store_true", help="one line per case")
    args = parser.parse_args()
    from qa.index.embedder import Embedder

    embedder = Embedder()
    verifier = AnswerVerifier(embedder, VerifierSettings())
    for path in args.cases:
        passages, cases = load_cases(Path(path))
        results = run_cases(verifier, embedder, passages, cases)
        if args.verbose:
            for case, verdict in results:
                mark = "ok " if verdict.supported == case["supported"] else "BAD"
                print(f"{mark} {case['kind']:<15} gold={case['supported']!s:<5} kept={verdict.supported!s:<5} "
                      f"sim={verdict.similarity:.3f} overlap={verdict.overlap:.2f} {verdict.reason}: {case['answer']}")
        print(Path(path).name, json.dumps(scores(results)))


if __name__ == "__main__":
    main()
