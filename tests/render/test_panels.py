"""The app's status, upload, error lines and filter choices."""

from qa.assistant import IndexStatus
from qa.render import collection_choices, error_markdown, source_choices, status_markdown, upload_markdown
from qa.index.snapshot import ReleaseInfo
from qa.ingest.uploads import UploadedFile, UploadReport


def test_status_line_gives_counts_model_and_update_time():
    status = IndexStatus("index", 24, 522, 1311, "sentence-transformers/all-MiniLM-L6-v2",
                         "2026-11-27T22:18:35+00:00")
    line = status_markdown(status, note="Built from <corpus>")
    assert line.startswith("**Index:** 24 releases, 522 passages")
    assert "all-MiniLM-L6-v2" in line and "updated 2026-11-27 22:18 UTC" in line
    assert line.endswith("Built from &lt;corpus&gt;")


def test_upload_lines_name_each_file_escaped():
    report = UploadReport([UploadedFile("a.html", "/c/uploads/a.html", "a.html: added: 'A' (2023-03-01)"),
                           UploadedFile("<b>.exe", None, "<b>.exe: not added: file type '.exe' is not accepted")])
    text = upload_markdown(report)
    assert text.splitlines() == ["- a.html: added: 'A' (2023-03-01)",
                                 "- &lt;b&gt;.exe: not added: file type '.exe' is not accepted"]
    assert upload_markdown(UploadReport()) == "No files were uploaded."


def test_filter_choices_list_sources_by_frequency_and_collections_by_folder():
    releases = [ReleaseInfo("seed/a.txt", "A", None, "Ministry", None, ()),
                ReleaseInfo("press-briefings/b.md", "B", None, "whitehouse.gov", None, ()),
                ReleaseInfo("press-briefings/c.md", "C", None, "whitehouse.gov", None, ()),
                ReleaseInfo("upload.html", "D", None, "uploads", None, ())]
    assert source_choices(releases) == ["whitehouse.gov", "Ministry", "uploads"]
    assert collection_choices(releases) == ["press-briefings/", "seed/"]


def test_errors_are_shown_escaped():
    assert error_markdown("bad <date> *x*") == "**Error:** bad &lt;date&gt; \\*x\\*"


def test_status_line_says_when_a_damaged_generation_was_passed_over():
    status = IndexStatus("index", 4, 9, 20, "m", "2026-11-27T22:18:35+00:00", "gen-000001",
                         ("generation gen-000002 is damaged: file is not a database (found while answering)",
                          "answering from gen-000001, the newest generation that verifies"))
    lines = status_markdown(status).split("  \n")
    assert lines[1:] == ["⚠️ generation gen-000002 is damaged: file is not a database (found while answering)",
                         "⚠️ answering from gen-000001, the newest generation that verifies"]
