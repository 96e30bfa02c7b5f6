"""The records passed between stages: the `qa ask --json` shape, release identity by content."""

import json
from dataclasses import replace

from qa.records import Answer, Citation, Release

JSON_FIELDS = ["question", "answer", "short_answer", "found", "citations", "timings_ms", "mode", "notice", "searched"]
CITATION_FIELDS = ["n", "release_id", "title", "date", "passage", "char_start", "char_end", "score", "source_url",
                   "source", "paragraph", "sentence", "sentence_start", "sentence_end", "supported",
                   "aliases"]


def test_the_answer_json_keeps_its_contract_fields_in_order():
    citation = Citation(1, "seed/mfaic.txt", "Outcomes", "2021-07-06", "The Meeting was co-chaired ...", 0, 30, 0.9)
    answer = Answer("Who co-chaired the meeting?", "The Meeting was co-chaired ... [1]", None, True, [citation],
                    {"retrieve": 1.0})
    data = json.loads(json.dumps(answer.to_dict()))
    assert list(data) == JSON_FIELDS  # `qa ask --json` may gain fields, never lose or rename one
    assert list(data["citations"][0]) == CITATION_FIELDS
    assert data["mode"] == "extractive" and data["citations"][0]["n"] == 1


def test_the_content_hash_changes_with_what_users_see_and_not_with_the_file_path():
    release = Release("a.txt", "Title", "2021-07-06", "Ministry", "Body text.", origin="/one/a.txt")
    assert release.content_hash == replace(release, origin="/two/a.txt").content_hash
    assert release.content_hash != replace(release, text="Body text!").content_hash
    assert release.content_hash != replace(release, title="Another title").content_hash
