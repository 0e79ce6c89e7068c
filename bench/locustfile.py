"""Locust scenario of `make loadtest` (run by bench/loadtest.py; never on its own).

A trainer says "start the quiz now": every learner (signed in beforehand) opens the course,
waits on the quiz page, starts the same quiz within one second of LOADTEST_START_AT, answers
it page by page with autosave after a think time, then submits. Each learner logs the answers
it saved so that bench/loadtest.py can check them in the database afterwards.

Environment: LOADTEST_PLAN (JSON written by bench/loadtest.py), LOADTEST_LOG (CSV of every
request), LOADTEST_ANSWERS (JSON lines of saved answers).
"""

import csv
import json
import os
import random
import re
import time

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"]).read())  # noqa: SIM115
LEARNERS = PLAN["learners"]  # [{"cookie": …, "csrf": …}]
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')

_next = iter(range(len(LEARNERS)))
_finished = 0
_log: list[tuple] = []
_answers = open(os.environ["LOADTEST_ANSWERS"], "w")  # noqa: SIM115


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception, start_time=None, **kw):
    _log.append((name, round(start_time or 0, 4), round(response_time, 2), exception is None))


@events.quitting.add_listener
def write_log(environment, **kw):
    with open(os.environ["LOADTEST_LOG"], "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "start", "ms", "ok"])
        writer.writerows(_log)
    _answers.close()


def parse_attempt(html: str) -> tuple[str, dict[str, list[str]]]:
    """The attempt's token and, per question field ``q<id>``, the ids of its choices."""
    token, questions = "", {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        name = attributes.get("name", "")
        if name == "token":
            token = attributes.get("value", "")
        elif re.fullmatch(r"q\d+", name):
            questions.setdefault(name, []).append(attributes.get("value", ""))
    return token, questions


class Learner(FastHttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        self.index = next(_next)
        me = LEARNERS[self.index]
        self.headers = {"Cookie": me["cookie"]}
        self.csrf = me["csrf"]

    def get(self, url: str, name: str, expect: str) -> str:
        with self.client.get(url, headers=self.headers, name=name, catch_response=True) as r:
            if r.status_code != 200 or expect not in (r.text or ""):
                r.failure(f"{r.status_code}, {expect!r} missing")
                raise StopUser
            return r.text

    def post(self, url: str, name: str, expect: str = "", **options) -> str:
        """A POST; a redirect (start, submit) is followed by a GET named ``name`` + " page"."""
        headers = {**self.headers, "X-CSRFToken": self.csrf, **options.pop("headers", {})}
        with self.client.post(
            url, headers=headers, name=name, catch_response=True, allow_redirects=False, **options
        ) as r:
            if r.status_code == 302:
                location = r.headers["Location"]
            elif r.status_code == 200 and expect in (r.text or ""):
                return r.text
            else:
                r.failure(f"{r.status_code}, {expect!r} missing")
                raise StopUser
        return self.get(location, f"{name}: next page", expect)

    @task
    def take_the_quiz(self):
        global _finished
        try:
            self.answer_the_quiz()
        finally:  # done or failed: the run ends when every learner is
            _finished += 1
            if _finished == len(LEARNERS):
                self.environment.runner.quit()
        raise StopUser

    def answer_the_quiz(self):
        self.get(PLAN["course_url"], "course page", PLAN["quiz_url"])
        self.get(PLAN["quiz_url"], "quiz page", "start/")
        # Wait on the quiz page for the trainer's "now", then start within one second.
        gevent.sleep(max(0.0, PLAN["start_at"] - time.time()) + random.uniform(0, 1))
        html = self.post(
            PLAN["quiz_url"] + "start/",
            "quiz start (burst)",
            'name="token"',
            data={"csrfmiddlewaretoken": self.csrf},
        )
        token, questions = parse_attempt(html)
        autosave = re.search(r'data-autosave-url="([^"]+)"', html).group(1)
        fields = list(questions)
        per_page = max(1, -(-len(fields) // PLAN["pages"]))
        picks = {}
        think = PLAN["think"]
        for page in range(0, len(fields), per_page):
            gevent.sleep(random.uniform(*think))
            for field in fields[page : page + per_page]:  # quiz.js: one request per question
                picks[field] = random.choice(questions[field])
                body = {"token": token, "answers": {field[1:]: [int(picks[field])]}}
                self.post(autosave, "quiz autosave", '"saved"', json=body)
        gevent.sleep(random.uniform(*think))
        submit = {"csrfmiddlewaretoken": self.csrf, "token": token, "action": "submit", **picks}
        attempt_url = autosave.removesuffix("answers/")
        self.post(attempt_url, "quiz submit", PLAN["result_marker"], data=submit)
        _answers.write(json.dumps({"learner": self.index, "answers": picks}) + "\n")
        _answers.flush()
