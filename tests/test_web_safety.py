"""The web app under real use: one answer per question however it is sent, read-only
finished sessions, DNS rebinding and cross-site forms refused, banks by id only, no secret
on any page, over-long answers handed back, and a busy database that loses nothing."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from starlette.testclient import TestClient

from interviewer.core.settings import build_settings
from interviewer.engine.store import Store
from interviewer.web import WebConfig, create_app
from interviewer.web.security import allowed_hosts, host_name
from tests.llm_helpers import BASE_URL
from tests.web_helpers import BANK, STRONG, Browser


def stored(sid: str):
    with Store.open() as store:
        return store.get_session(sid)


def main_answers(sid: str) -> list[str]:
    return [a.text for a in stored(sid).answers if a.kind == "answer"]


class TestOneAnswerPerQuestion:
    def test_the_same_form_sent_twice_stores_once_and_shows_the_first_scorecard(self) -> None:
        b = Browser()
        sid = b.start(["q1", "q2"], follow_ups=0)
        first = b.answer(sid, "q1", STRONG)
        second = b.answer(sid, "q1", STRONG)
        assert first.status_code == second.status_code == 200
        assert second.url.path == f"/sessions/{sid}/q/q1/scorecard"
        assert main_answers(sid) == [STRONG]
        home = b.get("/")
        assert "1 of 2" in home.text

    def test_concurrent_submits_store_one_row(self) -> None:
        b = Browser()
        for attempt in range(5):
            sid = b.start(["q1", "q2"], follow_ups=0)
            barrier = threading.Barrier(4)
            codes: list[int] = []

            def send(
                sid: str = sid, barrier: threading.Barrier = barrier, codes: list[int] = codes
            ) -> None:
                client = TestClient(b.client.app, base_url="http://127.0.0.1",
                                    cookies=dict(b.client.cookies))  # fmt: skip
                barrier.wait()
                r = client.post(f"/sessions/{sid}/q/q1/answer",
                                data={"csrf_token": b.token, "answer": STRONG})  # fmt: skip
                codes.append(r.status_code)

            threads = [threading.Thread(target=send) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert codes == [200] * 4, (attempt, codes)
            assert main_answers(sid) == [STRONG], attempt
            assert stored(sid).unanswered() == ["q2"]

    def test_the_database_refuses_a_second_main_answer(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from interviewer.core.errors import AnswerExistsError

        with Store.open(tmp_path / "s.sqlite3") as store:
            sid = store.create_session(BANK, ["q1"])
            store.add_answer(sid, "q1", "Q?", "first")
            with pytest.raises(AnswerExistsError):
                store.add_answer(sid, "q1", "Q?", "second")
            main = store.get_session(sid).answers[0].id
            store.add_answer(sid, "q1", "P?", "f1", kind="follow_up", parent_id=main, slot=0)
            with pytest.raises(AnswerExistsError):
                store.add_answer(sid, "q1", "P?", "f2", kind="follow_up", parent_id=main, slot=0)
            assert [a.text for a in store.get_session(sid).answers] == ["first", "f1"]

    def test_an_old_database_with_doubled_answers_migrates_and_keeps_them(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from interviewer.engine import migrations

        path = tmp_path / "old.sqlite3"
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        migrations.m001_initial(db)
        db.execute("INSERT INTO _migrations VALUES ('m001_initial', 'then')")
        db.execute("INSERT INTO sessions VALUES ('s1', 'b', '[\"q1\",\"q2\"]', 'web', 'offline',"
                   " '{}', '2026-01-01T00:00:00+00:00', NULL)")  # fmt: skip
        for text in ("first", "double"):
            db.execute(
                "INSERT INTO answers (session_id, question_id, prompt, text, created_at)"
                " VALUES ('s1', 'q1', 'Q?', ?, '2026-01-01T00:00:01+00:00')",
                (text,),
            )
        db.close()
        with Store.open(path) as store:
            session = store.get_session("s1")
            assert [v.answer.text for v in session.questions()] == ["first"]
            assert session.unanswered() == ["q2"]
            assert sorted(a.text for a in session.answers) == ["double", "first"]  # kept


class TestFinishedSessionsAreReadOnly:
    def test_answering_a_finished_session_is_a_409_with_a_link_to_the_report(self) -> None:
        b = Browser()
        sid = b.start(["q1", "q2"], follow_ups=0)
        b.answer(sid, "q1", STRONG)
        b.post(f"/sessions/{sid}/finish")
        r = b.answer(sid, "q2", STRONG)
        assert r.status_code == 409
        assert "finished" in r.text and f'href="/sessions/{sid}/report"' in r.text
        assert main_answers(sid) == [STRONG]
        upload = b.post(f"/sessions/{sid}/q/q2/audio",
                        files={"audio": ("a.wav", b"RIFF0000WAVEfmt ", "audio/wav")})  # fmt: skip
        assert upload.status_code == 409
        assert b.get(f"/sessions/{sid}/q/q2").status_code == 409


class TestHostAndOrigin:
    def test_a_foreign_host_header_is_refused(self) -> None:
        b = Browser()
        evil = TestClient(b.client.app, base_url="http://evil.example")
        r = evil.get("/")
        assert r.status_code == 421
        assert "evil.example" in r.text and "<table" not in r.text
        rebound = TestClient(b.client.app, base_url="http://evil.example:8000")
        assert rebound.get("/history").status_code == 421

    def test_a_rebinding_flow_cannot_start_a_session(self) -> None:
        b = Browser()
        evil = TestClient(b.client.app, base_url="http://evil.example")
        r = evil.post("/sessions", data={"bank": BANK, "question": ["q1"]},
                      headers={"origin": "http://evil.example"})  # fmt: skip
        assert r.status_code == 421

    @pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:9999"])
    def test_a_form_posted_from_another_origin_is_refused(self, origin: str) -> None:
        b = Browser()
        r = b.post("/sessions", {"bank": BANK, "question": ["q1"]},
                   headers={"origin": origin}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 403

    def test_a_form_from_this_server_is_served(self) -> None:
        b = Browser()
        r = b.post("/sessions", {"bank": BANK, "question": ["q1"]},
                   headers={"origin": "http://127.0.0.1"}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        referer = {"referer": "http://127.0.0.1/banks/x"}
        r = b.post("/sessions", {"bank": BANK, "question": ["q1"]}, headers=referer,
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303

    def test_allowed_hosts_come_from_host_and_allowed_host(self) -> None:
        names = allowed_hosts("192.168.1.5", ["my-laptop.local"])
        assert {"127.0.0.1", "localhost", "[::1]", "192.168.1.5", "my-laptop.local"} <= names
        assert "0.0.0.0" not in allowed_hosts("0.0.0.0")
        assert host_name("LOCALHOST:8000") == "localhost" and host_name("[::1]:80") == "[::1]"
        app = create_app(WebConfig(settings=build_settings(grader="offline"),
                                   allowed_hosts=names))  # fmt: skip
        assert TestClient(app, base_url="http://my-laptop.local:8000").get("/").status_code == 200


class TestBanksByIdOnly:
    @pytest.mark.parametrize(
        "bank", ["/etc/passwd", "/proc/self/environ", "../rubrics/star.yaml", "nope.yaml",
                 "ml-problem-solving.yaml", "/tmp/missing.yaml"],
    )  # fmt: skip
    def test_a_path_is_never_read(self, bank: str) -> None:
        b = Browser()
        r = b.post("/sessions", {"bank": bank, "question": ["q1"]}, follow_redirects=False)
        assert r.status_code == 404
        for leak in ("valid dictionary", "invalid YAML", "cannot read file", "root:"):
            assert leak not in r.text
        assert "choose one on the start page" in r.text

    def test_bank_urls_take_ids_not_files(self) -> None:
        b = Browser()
        assert b.get(f"/banks/{BANK}").status_code == 200
        assert b.get(f"/banks/{BANK}.yaml").status_code == 404


class TestNoSecretsOnPages:
    def test_credentials_in_the_base_url_reach_no_page_and_no_stored_error(
        self, monkeypatch: pytest.MonkeyPatch, httpx2_mock
    ) -> None:
        base = "https://alice:S3cretPassw0rd@llm.test/v1"
        httpx2_mock.post(f"{BASE_URL}/chat/completions").respond(
            502, json={"error": {"message": f"upstream {base} failed"}}
        )
        b = Browser(grader="llm", openai_base_url=base, max_retries=0)
        sid = b.start(["q1"], follow_ups=0)
        page = b.answer(sid, "q1", STRONG)
        card = b.get(f"/sessions/{sid}/q/q1/scorecard")
        assert page.status_code == 502
        everything = page.text + card.text + (stored(sid).answers[0].error or "")
        assert "S3cretPassw0rd" not in everything and "alice" not in everything
        assert "llm.test" in everything  # still says where it failed


class TestLongAnswers:
    def test_an_over_long_answer_comes_back_in_the_textarea_with_how_much_to_cut(self) -> None:
        b = Browser(max_answer_chars=500)
        sid = b.start(["q1"], follow_ups=0)
        long = ("I measured the queue every hour. " * 30).strip()
        r = b.answer(sid, "q1", long)
        assert r.status_code == 413
        assert f">{long}</textarea>" in r.text
        assert f"Cut about {len(long) - 500:,} characters" in r.text
        assert main_answers(sid) == []  # refused before saving: the question stays open
        assert b.answer(sid, "q1", long[:480]).status_code == 200  # cut: now it is graded


class TestBusyDatabase:
    def test_a_locked_database_shows_the_text_back_and_never_claims_it_was_saved(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from interviewer.engine import sqlite as sqlite_mod
        from interviewer.engine import store as store_mod

        b = Browser()
        sid = b.start(["q1"], follow_ups=0)
        monkeypatch.setattr(sqlite_mod, "BUSY_RETRIES", 0)
        with Store.open() as store:
            store.db.execute("PRAGMA busy_timeout = 0")
            store.db.execute("BEGIN IMMEDIATE")  # another writer holds the lock
            monkeypatch.setattr(sqlite_mod, "BUSY_TIMEOUT_S", 0.05)
            store_mod._READY.clear()
            r = b.answer(sid, "q1", "My answer typed during the lock.")
            store.db.execute("ROLLBACK")
        assert r.status_code == 503
        assert "My answer typed during the lock." in r.text
        assert "was saved" not in r.text.replace("was not saved", "")
        assert main_answers(sid) == []
