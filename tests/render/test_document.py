"""What an export holds, whatever its format: title, notes, entries and the numbered sources."""

from qa.render import export_document


def test_points_become_one_entry_each_with_the_filters_as_notes(briefing):
    document = export_document(briefing)
    assert document.title == "Talking points: ASEAN-Russia"
    assert document.notes[0] == "2 points, newest release first" and any("2021-01-01" in n for n in document.notes)
    assert [entry.text(str) for entry in document.entries] == ["ASEAN & Russia *agreed*. [1]",
                                                              "They met <online>. [2]"]
    assert [source.numbers for source in document.sources] == [(1,), (2,)]


def test_a_timeline_labels_each_entry_with_its_date_or_undated(timeline):
    document = export_document(timeline)
    assert [entry.label for entry in document.entries] == ["2021-07-06 · First", "undated · Second"]


def test_an_answer_reads_as_paragraphs(answer):
    document = export_document(answer)
    assert document.paragraphs and document.entries
