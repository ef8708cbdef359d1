"""Deadline day: district recorders open their due list and save OTOP sales through the
API; province admins look at their monitoring pages. Driven by bench/loadtest/run.py,
which makes the accounts and writes them to the JSON file named by LOADTEST_ACCOUNTS.

Everyone is signed in already (the run made their sessions: officials log in when
their day begins, not all in the measured minutes). Recorders open their due list (a
web page) and save with their API token (POST /api/v1/records for a producer without
a record in the open period, then PATCH of a record they made once every producer has
one); province admins open their monitoring page and their home page. One user in
ten of each kind signs in through the pages first (password, and the TOTP code an
authenticator app would show for the admins), so log-ins are part of the mix.

The users are locust's FastHttpUser (geventhttpclient): the load generator shares
the machine's cores with the app and PostgreSQL, and takes a few times less CPU per
request than the `requests`-based HttpUser.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from django_otp.oath import TOTP
from locust import FastHttpUser, between, events, task
from requests.cookies import create_cookie

ACCOUNTS: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_recorders = iter(ACCOUNTS["recorders"])
_admins = iter(ACCOUNTS["admins"])
CREATED: list[int] = []  # ids of records made, written out when locust quits


@events.quitting.add_listener
def _write_created(**_kwargs: Any) -> None:
    with open(os.environ["LOADTEST_CREATED"], "w") as handle:
        json.dump(CREATED, handle)


def _log_in(user: FastHttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/", name="log-in page")
    token = CSRF.search(page.text)
    user.client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": ACCOUNTS["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{user.host}/accounts/login/"},
        name="log-in",
    )


def _page(user: FastHttpUser, path: str, name: str) -> None:
    """A page of a signed-in user: a detour to a log-in or two-factor page is a failure."""
    with user.client.get(path, name=name, catch_response=True) as response:
        if response.status_code != 200 or "/accounts/" in response.url:
            response.failure(f"{response.status_code} at {response.url}")


def _signed_in(user: FastHttpUser, account: dict[str, Any], index: int) -> bool:
    """Use the session the run made; every tenth user signs in itself instead."""
    if index % 10 == 0:
        return False
    user.client.cookiejar.set_cookie(
        create_cookie(
            "sessionid", account["session"], domain=user.host.split("//")[1].split(":")[0]
        )
    )
    return True


class Recorder(FastHttpUser):
    fixed_count = len(ACCOUNTS["recorders"])
    wait_time = between(1, 2)

    def on_start(self) -> None:
        account = next(_recorders)
        self.account = account
        self.free = list(account["subjects"])  # [subject id, village code]
        self.mine: list[list[int]] = []  # [record id, version]
        self.auth = {"Authorization": f"Bearer {account['token']}"}
        if not _signed_in(self, account, ACCOUNTS["recorders"].index(account)):
            _log_in(self, account["username"])

    @task(1)
    def due_list(self) -> None:
        _page(self, "/", "due list (home)")

    @task(4)
    def save(self) -> None:
        amount = random.randint(5_000, 200_000)
        values = {
            "producer_type": "single_producer",
            "product_name": "ข้าวแต๋น",
            "product_category": "food",
            "sales_amount": f"{amount}.00",
            "sales_online": f"{amount // 10}.00",
            "sales_fair": "0.00",
        }
        if self.free:
            subject, village = self.free.pop()
            payload = {
                "dataset": "otop_sales",
                "fiscal_year": ACCOUNTS["fiscal_year"],
                "period": ACCOUNTS["period"],
                "subject": subject,
                "values": {**values, "producer_name": f"ผู้ผลิต {subject}", "village": village},
            }
            with self.client.post(
                "/api/v1/records",
                json=payload,
                headers=self.auth,
                name="save (create)",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    self.mine.append([response.json()["id"], response.json()["version"]])
                    CREATED.append(response.json()["id"])
                else:
                    response.failure(f"{response.status_code} {response.text[:200]}")
        elif self.mine:
            item = random.choice(self.mine)
            with self.client.patch(
                f"/api/v1/records/{item[0]}",
                json={"values": values, "version": item[1]},
                headers=self.auth,
                name="save (update)",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    item[1] = response.json()["version"]
                else:
                    response.failure(f"{response.status_code} {response.text[:200]}")


class ProvinceAdmin(FastHttpUser):
    fixed_count = len(ACCOUNTS["admins"])
    wait_time = between(1, 3)

    def on_start(self) -> None:
        account = next(_admins)
        self.account = account
        if _signed_in(self, account, ACCOUNTS["admins"].index(account)):
            return
        _log_in(self, account["username"])
        page = self.client.get("/accounts/two-factor/", name="two-factor page")
        token = CSRF.search(page.text)
        device = TOTP(bytes.fromhex(account["totp_key"]))
        device.time = time.time()
        self.client.post(
            "/accounts/two-factor/",
            {
                "token": f"{device.token():06d}",
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/two-factor/"},
            name="two-factor",
        )

    @task(3)
    def monitoring(self) -> None:
        code = self.account["province"]
        _page(self, f"/monitoring/{ACCOUNTS['fiscal_year']}/{code}/", "monitoring page")

    @task(1)
    def home(self) -> None:
        _page(self, "/", "admin home")
