"""app.py: configuration of the launch, filters from the panel, and the API through gradio_client."""

import logging
import re
import shutil
import socket

import pytest

import app
from qa import Assistant, Settings
from qa.errors import ConfigurationError, QAError
from qa.search.retriever import Filters

from .conftest import REPO, SEED_FILE
from .feedback.test_store import SEED_ID
from .fakes import FakeEmbedder

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def test_no_login_unless_configured():
    assert app.login_pairs(None) is None and app.login_pairs("  ") is None
    assert "auth" not in {key for key, value in app.launch_options(Settings()).items() if value}


def test_login_pairs_from_qa_auth():
    assert app.login_pairs("staff:s3cret, lead:pa:ss") == [("staff", "s3cret"), ("lead", "pa:ss")]
    options = app.launch_options(Settings(auth="staff:s3cret"))
    assert options["auth"] == [("staff", "s3cret")] and options["auth_message"]


@pytest.mark.parametrize("auth", ["staff", "staff:", ":s3cret", "staff:s3cret,"])
def test_bad_login_setting_is_refused_without_showing_the_password(auth):
    with pytest.raises(ConfigurationError, match="user:password pairs") as error:
        app.login_pairs(auth)
    assert "s3cret" not in str(error.value)


def test_host_and_port_are_left_to_gradio_unless_given():
    options = app.launch_options(Settings(max_upload_mb=5))
    assert "server_name" not in options and "server_port" not in options  # GRADIO_SERVER_NAME/PORT apply
    assert options["max_file_size"] == "5mb"
    given = app.launch_options(Settings(), host="0.0.0.0", port=8080)
    assert (given["server_name"], given["server_port"]) == ("0.0.0.0", 8080)


def test_filters_from_the_panel():
    assert app.make_filters(None, "", app.ALL, app.ALL) is None
    assert app.make_filters("2021-07-01", "2021-07-31 00:00:00", "Ministry", "seed/") == Filters(
        date_from="2021-07-01", date_to="2021-07-31", release_prefix="seed/", source="Ministry")
    with pytest.raises(QAError, match="date_from must be a date as YYYY-MM-DD"):
        app.make_filters("July 2021", None, None, None)


def test_the_panel_names_the_date_box_it_cannot_read():
    with pytest.raises(QAError, match=r"^the To date must be YYYY-MM-DD \(or picked from the calendar\); "
                                      r"'next Tuesday' is not a date$"):
        app.panel_filters("2021-07-01", " next Tuesday", app.ALL, app.ALL)
    assert app.panel_filters("2021-07-01", None, app.ALL, "seed/") == Filters(date_from="2021-07-01",
                                                                               release_prefix="seed/")


@pytest.fixture(scope="module")
def seed_settings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app")
    (folder / "corpus" / "seed").mkdir(parents=True)
    shutil.copy(SEED_FILE, folder / "corpus" / "seed")
    return Settings(index_dir=folder / "index", corpus_dir=folder / "corpus")


def test_first_launch_builds_the_index_from_the_corpus(seed_settings, capsys):
    assistant, note = app.open_assistant(seed_settings, embedder=FakeEmbedder())
    assert assistant.status().releases == 1
    assert note.startswith(f"Index built on this launch from {seed_settings.corpus_dir}")
    assert "building it from" in capsys.readouterr().out
    assert app.open_assistant(seed_settings, embedder=FakeEmbedder())[1] is None  # built once


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def client(seed_settings):
    from gradio_client import Client

    assistant, _ = app.open_assistant(seed_settings, embedder=FakeEmbedder())
    demo = app.build_app(assistant, seed_settings.with_values(allow_uploads=False))
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, **app.launch_options(seed_settings, "127.0.0.1", port))
    try:
        yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


def test_api_ask_returns_the_json_answer(client):
    result = client.predict("Who co-chaired the meeting?", api_name="/ask")
    assert set(result) >= {"question", "answer", "short_answer", "found", "citations", "searched"}
    assert result["question"] == "Who co-chaired the meeting?" and result["searched"] is None
    assert result["citations"][0]["release_id"] == "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


def test_api_ask_reads_a_follow_up_with_the_history(client):
    result = client.predict("When was it held?", ["Who co-chaired the meeting?"], api_name="/ask")
    assert result["searched"] == "When was the Special ASEAN-Russia Foreign Ministers' Meeting held?"


def test_api_ask_applies_filters_and_reports_bad_ones(client):
    result = client.predict("Who co-chaired the meeting?", [], "2022-01-01", "", "", "", api_name="/ask")
    assert result["found"] is False and result["citations"] == []
    with pytest.raises(Exception, match="date_to must be a date"):
        client.predict("Who co-chaired the meeting?", [], "", "soon", api_name="/ask")


@pytest.mark.parametrize("endpoint, arguments, message", [
    ("/ask", ["   "], "the question is empty; type a question about the releases"),
    ("/feedback", ["", "right"], "the question is empty; type a question about the releases")])
def test_api_user_error_is_one_log_line_and_no_traceback(client, caplog, capfd, endpoint, arguments, message):
    capfd.readouterr()
    with caplog.at_level(logging.WARNING, logger="app"), pytest.raises(Exception, match=message.split(";")[0]):
        client.predict(*arguments, api_name=endpoint)
    assert [record.getMessage() for record in caplog.records if record.name == "app"] == [
        f"{endpoint} refused a request: {message}"]
    printed = capfd.readouterr()
    assert "Traceback" not in printed.err + printed.out


def test_api_status_gives_counts_and_model(client):
    status = client.predict(api_name="/status")
    assert status["releases"] == 1 and status["model"] == FakeEmbedder.model_name


def test_chat_and_upload_events_are_not_public_endpoints(client):
    assert sorted(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == [
        "/ask", "/feedback", "/status"]


def test_api_feedback_records_the_answer_given_now_and_counts_it(client, seed_settings, tmp_path, capsys):
    from qa.cli import main
    from qa.evaluate.questions import load_questions
    from qa.feedback import FeedbackStore

    before = client.predict(api_name="/status")["feedback"]
    kept = client.predict("Who co-chaired the meeting?", "wrong", "only one name", "Sergey Lavrov",
                          api_name="/feedback")
    assert (kept["verdict"], kept["comment"], kept["correction"], kept["user"]) == (
        "wrong", "only one name", "Sergey Lavrov", None)
    assert kept["citations"][0]["release_id"] == SEED_ID and kept["generation"].startswith("gen-")
    assert kept["answer"] and kept["item_id"] and kept["created_at"]
    client.predict("Who co-chaired the meeting?", "right", api_name="/feedback")
    after = client.predict(api_name="/status")["feedback"]
    assert (after["right"] - before["right"], after["wrong"] - before["wrong"],
            after["corrected"] - before["corrected"]) == (1, 1, 1)
    assert FeedbackStore.of(seed_settings).items()[-2].item_id == kept["item_id"]  # in the file beside the index

    client.predict("Who co-chaired the meeting?", "wrong", "", "Sergey Lavrov", api_name="/feedback")  # the latest
    out = tmp_path / "feedback.jsonl"
    assert main(["feedback", "export", "--out", str(out), "--index", str(seed_settings.index_dir)]) == 0
    question = next(q for q in load_questions(out) if q.question == "Who co-chaired the meeting?")
    assert (question.answers, question.gold_doc_ids, question.kind) == (("Sergey Lavrov",), (SEED_ID,), "who")


@pytest.mark.parametrize("verdict, correction, message", [("maybe", "", "verdict must be 'right' or 'wrong'"),
                                                          ("right", "Lavrov", "a correction is for a wrong answer")])
def test_api_feedback_refuses_bad_feedback_with_its_reason(client, verdict, correction, message):
    with pytest.raises(Exception, match=message):
        client.predict("Who co-chaired the meeting?", verdict, "", correction, api_name="/feedback")


def test_read_only_deployment_has_no_upload_panel(seed_settings):
    assistant = Assistant.open(seed_settings.index_dir, embedder=FakeEmbedder())
    with_uploads = app.build_app(assistant, seed_settings).get_config_file()
    read_only = app.build_app(assistant, seed_settings.with_values(allow_uploads=False)).get_config_file()

    def element_ids(config):
        return {component.get("props", {}).get("elem_id") for component in config["components"]}

    assert "upload" in element_ids(with_uploads) and "upload" not in element_ids(read_only)


@pytest.fixture
def launched(tmp_path):
    """Launches an app on a copy of the seed corpus with given settings; yields (url, settings)."""
    demos = []

    def launch(**values):
        (tmp_path / "corpus" / "seed").mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED_FILE, tmp_path / "corpus" / "seed")
        settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus").with_values(**values)
        assistant, _ = app.open_assistant(settings, embedder=FakeEmbedder())
        demo = app.build_app(assistant, settings)
        port = free_port()
        demo.launch(prevent_thread_lock=True, quiet=True, **app.launch_options(settings, "127.0.0.1", port))
        demos.append(demo)
        return f"http://127.0.0.1:{port}", settings

    yield launch
    for demo in demos:
        demo.close()


def test_with_uploads_off_no_route_stores_a_file(launched):
    import httpx

    url, settings = launched(allow_uploads=False)
    response = httpx.post(f"{url}/gradio_api/upload", files={"files": ("x.txt", b"stored?")})
    assert response.status_code == 403
    assert not (settings.corpus_dir / "uploads").exists()


def test_failed_logins_to_the_app_slow_down(launched):
    import httpx

    url, _ = launched(auth="staff:s3cret")
    codes = [httpx.post(f"{url}/login", data={"username": "staff", "password": f"guess{n}"}).status_code
             for n in range(7)]
    assert codes[:5] == [400] * 5 and codes[-1] == 429


def test_the_app_answers_from_what_the_cli_ingested_without_a_restart(launched):
    from gradio_client import Client

    from qa.ingest.pipeline import Ingestor

    url, settings = launched()
    client = Client(url + "/", verbose=False)
    assert client.predict(api_name="/status")["releases"] == 1
    (settings.corpus_dir / "later.txt").write_text(
        "Mekong envoy visit\n\n9 July 2022\n\nThe Mekong envoy visited the Kampot salt fields on 9 July 2022.")
    Ingestor(settings, embedder=FakeEmbedder(), progress=False).run([settings.corpus_dir])  # as `qa ingest` would
    answer = client.predict("What did the Mekong envoy visit?", api_name="/ask")
    assert answer["citations"][0]["release_id"] == "later.txt"
    assert client.predict(api_name="/status")["releases"] == 2


def test_uploads_have_their_own_queue(seed_settings):
    assistant = Assistant.open(seed_settings.index_dir, embedder=FakeEmbedder())
    demo = app.build_app(assistant, seed_settings)
    queues = {function.name: (function.concurrency_id, function.concurrency_limit) for function in demo.fns.values()}
    assert queues["add"] == ("uploads", 1)
    assert queues["respond"] == queues["ask"] == ("assistant", seed_settings.concurrent_questions)


def test_a_lone_surrogate_through_the_api_gets_a_message(launched):
    import httpx

    url, _ = launched()
    body = '{"data": ["Who co-chaired \\ud800 the meeting?", [], "", "", "", ""]}'  # raw JSON: a lone surrogate
    started = httpx.post(f"{url}/gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
    event_id = started.json()["event_id"]
    stream = httpx.get(f"{url}/gradio_api/call/ask/{event_id}", timeout=30).text
    assert "event: error" in stream and "not valid text" in stream


def chat_handler(demo):
    """The chat's `respond` function as the Ask button calls it."""
    return next(function.fn for function in demo.fns.values() if function.name == "respond")


@pytest.fixture(scope="module")
def chat_app(seed_settings):
    assistant, _ = app.open_assistant(seed_settings, embedder=FakeEmbedder())  # builds the index when run alone
    return assistant, app.build_app(assistant, seed_settings.with_values(allow_uploads=False))


def test_why_this_answer_is_a_closed_panel_beside_the_sources(chat_app):
    components = chat_app[1].get_config_file()["components"]
    panel = next(component for component in components if component.get("props", {}).get("elem_id") == "why-answer")
    assert panel["props"]["open"] is False and panel["props"]["label"] == "Why this answer?"


def test_chat_answer_fills_the_why_panel_from_the_same_ask(chat_app, monkeypatch):
    assistant, demo = chat_app
    asked = []
    ask_with_trace = assistant.ask_with_trace
    monkeypatch.setattr(assistant, "ask_with_trace", lambda *args: asked.append(args) or ask_with_trace(*args))
    history, sources, _, _, _, why, shown = chat_handler(demo)("Who co-chaired the meeting?", [], [], None, None,
                                                               app.ALL, app.ALL)
    assert len(asked) == 1
    assert history[-1]["content"] == app.answer_markdown(assistant.ask("Who co-chaired the meeting?"))
    assert "source-card" in sources
    assert '<pre class="why-trace">' in why and "\nverdict: " in why
    assert "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt" in why


@pytest.mark.parametrize("question, date_from", [("Who co-chaired the meeting?", "July 2021"),
                                                 ("Who co-chaired \udcff the meeting?", None), ("y" * 2001, None)])
def test_bad_input_gives_a_message_and_no_trace_or_traceback(chat_app, question, date_from):
    history, sources, _, _, _, why, shown = chat_handler(chat_app[1])(question, [], [], date_from, None, app.ALL,
                                                                      app.ALL)
    assert history[-1]["content"].startswith("**Error:**") and sources == ""
    assert why == app.WHY_PLACEHOLDER and shown is None  # no answer: nothing to give feedback on
    assert "Traceback" not in history[-1]["content"] + why


def test_a_fault_in_the_trace_never_costs_the_answer(chat_app, monkeypatch):
    assistant, demo = chat_app
    monkeypatch.setattr(app.Explanation, "to_text", lambda self: 1 / 0)
    history, _, _, _, _, why, _ = chat_handler(demo)("Who co-chaired the meeting?", [], [], None, None, app.ALL,
                                                     app.ALL)
    assert history[-1]["content"] == app.answer_markdown(assistant.ask("Who co-chaired the meeting?"))
    assert "could not be shown" in why and "Traceback" not in why


def feedback_handlers(demo):
    """The Right and the Wrong buttons' functions, as the page calls them."""
    return [function.fn for function in demo.fns.values() if function.name == "record"]


def test_the_page_keeps_feedback_on_the_answer_it_showed(seed_settings, tmp_path):
    from qa.feedback import FeedbackStore

    settings = seed_settings.with_values(allow_uploads=False, feedback_db=tmp_path / "feedback.sqlite")
    demo = app.build_app(Assistant.open(seed_settings.index_dir, embedder=FakeEmbedder()), settings)
    *_, shown = chat_handler(demo)("When was it held?", [], ["Who co-chaired the meeting?"], None, None,
                                   app.ALL, app.ALL)
    assert shown.searched == "When was the Special ASEAN-Russia Foreign Ministers' Meeting held?"
    right, wrong = feedback_handlers(demo)
    message, kept = wrong(shown, "", "", None)
    assert message == "Kept as **wrong**. Thank you." and kept.item_id
    message, kept = wrong(kept, "the date is in it", "6 July 2021", None)  # the same answer, said better
    assert message == "Kept as **wrong**. The answer is: 6 July 2021. Thank you."
    assert "a correction is for a wrong answer" in right(kept, "", "6 July 2021", None)[0]
    assert "ask a question first" in right(None, "", "", None)[0]
    assert FeedbackStore(tmp_path / "feedback.sqlite").items() == [kept]  # one answer, one item
    assert (kept.question, kept.searched, kept.correction) == ("When was it held?", shown.searched, "6 July 2021")


def test_the_feedback_panel_sits_under_the_chat_hidden_until_an_answer(chat_app):
    components = {component.get("props", {}).get("elem_id"): component
                  for component in chat_app[1].get_config_file()["components"]}
    assert components["feedback"]["props"]["visible"] is False
    assert {"feedback-right", "feedback-wrong", "feedback-comment", "feedback-correction"} <= set(components)


def test_feedback_through_the_api_keeps_the_signed_in_user(launched):
    from gradio_client import Client

    url, _ = launched(auth="staff:s3cret", allow_uploads=False)
    client = Client(url + "/", auth=("staff", "s3cret"), verbose=False)
    assert client.predict("Who co-chaired the meeting?", "right", api_name="/feedback")["user"] == "staff"


def test_damage_under_a_running_app_switches_to_the_older_generation_and_says_so(launched):
    from gradio_client import Client

    from qa.index.store import IndexStore
    from qa.ingest.pipeline import Ingestor

    url, settings = launched()
    client = Client(url + "/", verbose=False)
    (settings.corpus_dir / "later.txt").write_text(
        "Mekong envoy visit\n\n9 July 2022\n\nThe Mekong envoy visited the Kampot salt fields on 9 July 2022.")
    Ingestor(settings, embedder=FakeEmbedder(), progress=False).run([settings.corpus_dir])  # gen-000002
    assert client.predict(api_name="/status")["generation"] == "gen-000002"
    database = IndexStore(settings.index_dir).live().folder / "meta.sqlite"
    database.write_bytes(b"\x13\x37" * (database.stat().st_size // 2))  # overwritten while the app runs
    answers = [client.predict("Who co-chaired the meeting?", api_name="/ask") for _ in range(10)]
    assert all(answer["citations"][0]["release_id"] == SEED_ID for answer in answers)
    status = client.predict(api_name="/status")
    assert status["generation"] == "gen-000001" and status["releases"] == 1
    assert any("gen-000002 is damaged" in warning for warning in status["warnings"])
    assert any("answering from gen-000001" in warning for warning in status["warnings"])


def test_a_spoofed_forwarded_header_does_not_reset_the_sign_in_slow_down(launched, monkeypatch):
    import httpx

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    url, _ = launched(auth="staff:s3cret")
    codes = [httpx.post(f"{url}/login", data={"username": "staff", "password": f"guess{n}"},
                        headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(7)]
    assert codes[:5] == [400] * 5 and codes[-1] == 429


def test_a_trusted_proxy_may_name_the_client(launched, monkeypatch):
    import httpx

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    url, _ = launched(auth="staff:s3cret", trusted_proxies="127.0.0.1")
    codes = [httpx.post(f"{url}/login", data={"username": "staff", "password": f"guess{n}"},
                        headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(7)]
    assert codes == [400] * 7  # seven clients behind the proxy, one try each


def test_a_full_question_queue_answers_busy(tmp_path, seed_settings, monkeypatch):
    import threading

    import httpx

    assistant, _ = app.open_assistant(seed_settings, embedder=FakeEmbedder())
    release = threading.Event()
    ask_with_trace = assistant.ask_with_trace
    monkeypatch.setattr(assistant, "ask_with_trace", lambda *args, **kwargs: release.wait(30) and None
                        or ask_with_trace(*args, **kwargs))
    settings = seed_settings.with_values(allow_uploads=False, concurrent_questions=1, max_waiting_questions=2)
    demo = app.build_app(assistant, settings)
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, **app.launch_options(settings, "127.0.0.1", port))
    try:
        body = {"data": ["Who co-chaired the meeting?", [], "", "", "", ""]}
        started = [httpx.post(f"http://127.0.0.1:{port}/gradio_api/call/ask", json=body) for _ in range(5)]
        codes = [response.status_code for response in started]
        busy = [response for response in started if response.status_code == 503]
        assert codes.count(200) in (2, 3) and busy  # one running (maybe), two waiting, the rest turned away
        assert busy[0].json()["detail"] == "the assistant is busy answering other questions; try again in a moment"
        assert busy[0].headers["retry-after"] == "5"
        release.set()
        event_id = started[0].json()["event_id"]
        stream = httpx.get(f"http://127.0.0.1:{port}/gradio_api/call/ask/{event_id}", timeout=30).text
        assert "event: complete" in stream and "co-chaired" in stream
    finally:
        release.set()
        demo.close()


def test_timeline_shows_only_its_own_controls(chat_app):
    demo = chat_app[1]
    ids = {block._id: getattr(block, "elem_id", None) for block in demo.blocks.values()}
    switch = next(function for function in demo.fns.values() if function.name == "talking_points_controls")
    assert [ids[block._id] for block in switch.inputs] == ["briefing-kind"]
    assert [ids[block._id] for block in switch.outputs] == ["briefing-k", "briefing-order"]
    assert [update["visible"] for update in switch.fn("Timeline")] == [False, False]
    assert [update["visible"] for update in switch.fn("Talking points")] == [True, True]


def test_ask_sends_the_dates_as_typed(chat_app):
    """TYPED_DATES_JS puts the date boxes' text at [3] and [4] of the chat's inputs (tests/test_browser.py
    shows the message in Chromium)."""
    ids = {block._id: getattr(block, "elem_id", None) for block in chat_app[1].blocks.values()}
    triggers = [function for function in chat_app[1].fns.values() if function.name == "respond"]
    assert len(triggers) == 2  # Enter and the Ask button
    for function in triggers:
        assert [ids[block._id] for block in function.inputs][3:5] == ["date-from", "date-to"]
        assert function.js == app.TYPED_DATES_JS


TWICE = "2022-05-11-background-press-call-by-a-senior-administration-official-on-the-u-s-asean-special-summit"


def test_a_release_in_the_corpus_twice_shows_each_passage_once(tmp_path):
    """corpus/asean-md holds one White House release twice (one file name ends in a stray U+FFFC); the
    closest passages of a question they do not answer come from both copies, each passage once."""
    folder = tmp_path / "corpus" / "asean-md"
    folder.mkdir(parents=True)
    for name in (f"{TWICE}.md", f"{TWICE}%ef%bf%bc.md"):
        shutil.copy(REPO / "corpus" / "asean-md" / name, folder)
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", allow_uploads=False)
    assistant, _ = app.open_assistant(settings, embedder=FakeEmbedder())
    question = "What did the official say about the special summit?"
    _, sources, *_ = chat_handler(app.build_app(assistant, settings))(question, [], [], None, None, app.ALL, app.ALL)
    shown = re.findall(r'<div class="source-passage">(.*?)</div>', sources, re.S)
    assert len(shown) == len(set(shown)) == len(assistant.ask(question).citations) > 1
    assert f"also published as asean-md/{TWICE}" in sources  # the other copy, as an alias
