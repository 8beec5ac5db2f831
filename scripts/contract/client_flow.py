#!/usr/bin/env python3
"""Drive a live Rapport server through the Python client generated from its own
OpenAPI document, and fail loudly when the two disagree.

    client_flow.py --client-dir DIR [--base-url URL] [--email E] [--password P]

    --client-dir  the generated package directory (what `openapi-python-client generate
                  --meta none --output-path DIR` wrote; it holds client.py, api/, models/)
                  env: RAPPORT_CLIENT_DIR
    --base-url    e.g. http://127.0.0.1:18080                         env: BASE_URL
    --email       an admin's email                                    env: EMAIL
    --password    that admin's password                               env: PASSWORD
                  (prefer the environment: argv is visible in `ps`)

Normally run by scripts/contract/client, which fetches the document and generates the
package first. Needs Python 3.11+ (the generated code uses typing.Self and StrEnum),
httpx, and what the generated package itself imports (attrs, python-dateutil).

The flow, every step asserted:
  1. sign in (cookie session + CSRF token);
  2. create an account;
  3. patch exactly one of its fields (the patch schema is partial: only that field is
     sent), with If-Match from the create's ETag; the field changes, the others stay;
  4. check a cookie write without X-CSRF-Token is refused (so step 3 proves the header
     is what lets writes through, not that the server ignores it);
  5. create a lead on the account with an exact decimal value string and a currency;
  6. create more accounts and page through them with limit=2, following next_cursor
     until it is null: every account created here is seen exactly once.

Only the generated typed functions and models talk to the server. Where the document
cannot express something (the session cookie and the X-CSRF-Token header are not
operation parameters), the generated Client's own cookies=/headers=/httpx_args
facilities carry it. The client is built with raise_on_unexpected_status=True, so a
status the document does not list for an operation fails the run, and every response
model must come back without `additional_properties` (fields the document does not
declare). Either means the document and the server have drifted apart.

Exit status: 0 when every step passed; 1 with a `FAIL [step]: ...` line otherwise;
2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

# The generated package is imported under this fixed name wherever it was written, so
# the imports below can be ordinary static ones (see load_generated_package).
PACKAGE = "rapport_client"

# Name of the session cookie: components.securitySchemes.session in the document. The
# generated package does not expose security schemes, so it is spelled out here.
SESSION_COOKIE = "rapport_session"

# How many accounts the paging step lists; with limit=2 an odd count makes the last
# page a partial one.
PAGED_ACCOUNTS = 5
PAGE_LIMIT = 2


class Fail(Exception):
    """A step's expectation did not hold. Carries the step name for the report."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"FAIL [{step}]: {message}")


def load_generated_package(client_dir: Path) -> None:
    """Import the package at client_dir as `rapport_client`.

    openapi-python-client names the package after the output directory; loading it
    under a fixed name keeps this script independent of where CI put it. The generated
    modules import each other relatively, so registering the package is enough.
    """
    init = client_dir / "__init__.py"
    if not init.is_file() or not (client_dir / "client.py").is_file():
        print(
            f"usage: {client_dir} is not a generated client package (no __init__.py/client.py)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    spec = importlib.util.spec_from_file_location(
        PACKAGE, init, submodule_search_locations=[str(client_dir)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--client-dir", default=os.environ.get("RAPPORT_CLIENT_DIR"))
    p.add_argument("--base-url", default=os.environ.get("BASE_URL"))
    p.add_argument("--email", default=os.environ.get("EMAIL"))
    p.add_argument("--password", default=os.environ.get("PASSWORD"))
    args = p.parse_args()
    missing = [
        n
        for n in ("client_dir", "base_url", "email", "password")
        if not getattr(args, n)
    ]
    if missing:
        p.error(
            "missing "
            + ", ".join("--" + m.replace("_", "-") for m in missing)
            + " (or RAPPORT_CLIENT_DIR / BASE_URL / EMAIL / PASSWORD)"
        )
    args.base_url = args.base_url.rstrip("/")
    return args


def main() -> int:
    args = parse_args()
    load_generated_package(Path(args.client_dir).resolve())
    try:
        Flow(args.base_url, args.email, args.password).run()
    except Fail as e:
        print(e, file=sys.stderr)
        return 1
    print("contract flow: all steps passed")
    return 0


class Flow:
    def __init__(self, base_url: str, email: str, password: str) -> None:
        # Imported here, after load_generated_package: these are the generated modules.
        from rapport_client import errors, models
        from rapport_client.api.accounts import (
            create_account,
            list_accounts,
            update_account,
        )
        from rapport_client.api.auth import login
        from rapport_client.api.leads import create_lead
        from rapport_client.client import Client
        from rapport_client.types import UNSET

        self.models = models
        self.errors = errors
        self.UNSET = UNSET
        self.ops = {
            "login": login,
            "create_account": create_account,
            "update_account": update_account,
            "list_accounts": list_accounts,
            "create_lead": create_lead,
        }
        self.Client = Client
        self.base_url = base_url
        self.email = email
        self.password = password
        # Every account name of this run carries the suffix: names are deduplicated by
        # company key, so a rerun needs fresh ones, and the paging step searches (q=) by
        # it to see exactly this run's accounts among whatever the server already holds.
        self.run_id = "ct" + secrets.token_hex(5)
        # The last HTTP response, kept by an httpx event hook so a failure can show
        # what the server actually said even when the generated parser choked on it.
        self.last_response: httpx.Response | None = None

    # -- plumbing ---------------------------------------------------------------------

    def client(self, **kwargs: Any):
        """A generated Client that raises on statuses the document does not list."""

        def remember(response: httpx.Response) -> None:
            self.last_response = response

        return self.Client(
            base_url=self.base_url,
            raise_on_unexpected_status=True,
            timeout=httpx.Timeout(30.0),
            httpx_args={"event_hooks": {"response": [remember]}},
            **kwargs,
        )

    def call(
        self, step: str, op: str, expect_status: int, expect_type: type, **kwargs: Any
    ):
        """Call generated operation `op` and insist on one status and one parsed model.

        Returns the generated Response (parsed model in .parsed, headers in .headers).
        """
        self.last_response = None
        try:
            resp = self.ops[op].sync_detailed(**kwargs)
        except self.errors.UnexpectedStatus as e:
            raise Fail(
                step,
                f"{op}: the server answered {e.status_code}, a status the "
                f"document does not list for this operation: {e.content.decode(errors='replace')[:800]}",
            )
        except httpx.HTTPError as e:
            raise Fail(step, f"{op}: HTTP error talking to {self.base_url}: {e!r}")
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            if self.last_response is None:
                # Nothing went out: the generated code could not build the request.
                raise Fail(
                    step,
                    f"{op}: the generated function could not build the request "
                    f"({type(e).__name__}: {e})",
                )
            # from_dict of the generated model failed: the body does not fit the schema.
            raise Fail(
                step,
                f"{op}: the response does not fit the generated model "
                f"({type(e).__name__}: {e}); body: {self.last_response.text[:800]}",
            )
        if resp.status_code != expect_status:
            raise Fail(
                step,
                f"{op}: expected {expect_status}, got {int(resp.status_code)}: "
                f"{resp.content.decode(errors='replace')[:800]}",
            )
        if not isinstance(resp.parsed, expect_type):
            raise Fail(
                step,
                f"{op}: expected a {expect_type.__name__}, the generated client "
                f"parsed {type(resp.parsed).__name__}: {resp.content[:800]!r}",
            )
        self.no_undeclared_fields(step, op, resp.parsed)
        return resp

    @staticmethod
    def no_undeclared_fields(step: str, op: str, model: Any) -> None:
        """Fail if the server sent properties the document's schema does not declare.

        Generated models keep such properties in `additional_properties` instead of
        rejecting them, so without this check drift would go unnoticed. Only the
        response's own model and its list items are checked: schemas that are free-form
        objects on purpose (metadata) also land in additional_properties.
        """
        items = [model] + list(getattr(model, "data", None) or [])
        for item in items:
            extra = getattr(item, "additional_properties", None)
            if extra:
                raise Fail(
                    step,
                    f"{op}: {type(item).__name__} came back with properties the "
                    f"document does not declare: {sorted(extra)}",
                )

    @staticmethod
    def check(step: str, ok: bool, message: str) -> None:
        if not ok:
            raise Fail(step, message)

    @staticmethod
    def ok(step: str, message: str) -> None:
        print(f"ok   {step}: {message}", flush=True)

    # -- the flow ---------------------------------------------------------------------

    def run(self) -> None:
        M = self.models
        session = self.sign_in()

        # Step 2: create an account with a handful of fields set, so step 3 can show
        # that the fields it does not send are left alone.
        step = "create account"
        name = f"Contract {self.run_id} Primary"
        body = M.AccountCreate(
            name=name,
            kind=M.AccountCreateKind.PROSPECT,
            legal_name=f"Contract {self.run_id} Primary Ltd",
            phone="+44 20 7946 0000",
            website="https://example.com/contract",
            tags=["contract-test"],
        )
        resp = self.call(
            step, "create_account", 201, M.Account, client=session, body=body
        )
        account = resp.parsed
        self.check(
            step, account.name == name, f"name is {account.name!r}, sent {name!r}"
        )
        self.check(
            step, account.kind == M.AccountKind.PROSPECT, f"kind is {account.kind!r}"
        )
        self.check(
            step, account.phone == "+44 20 7946 0000", f"phone is {account.phone!r}"
        )
        etag = resp.headers.get("etag")
        self.check(
            step, bool(etag), "no ETag header on 201 (the document declares one)"
        )
        self.check(
            step,
            bool(resp.headers.get("location")),
            "no Location header on 201 (the document declares one)",
        )
        self.ok(
            step,
            f"{account.id} {account.name!r} (version {account.version}, ETag {etag})",
        )

        self.patch_one_field(session, account, etag)
        self.write_without_csrf_is_refused(account)
        self.create_lead(session, account)
        self.page_through_accounts(session, account)

    def sign_in(self):
        M = self.models
        step = "sign in"
        # login is public (security: [{}]). The generator types its `client` argument as
        # AuthenticatedClient because it treats any operation-level `security` as
        # "needs a token"; a plain Client is what fits a sign-in and works at runtime.
        anonymous = self.client()
        resp = self.call(
            step,
            "login",
            200,
            M.LoginResponse,
            client=anonymous,
            body=M.LoginRequest(email=self.email, password=self.password),
        )
        login = resp.parsed
        self.check(
            step,
            login.user.email.lower() == self.email.lower(),
            f"signed in as {login.user.email!r}, asked for {self.email!r}",
        )
        self.check(step, bool(login.csrf_token), "empty csrf_token")
        self.no_undeclared_fields(step, "login", login.user)

        # The response set the session cookie in the sign-in client's cookie jar. Carry
        # it, and the CSRF token the document says cookie-authenticated writes must send,
        # into the client used from here on, through the generated Client's own
        # cookies=/headers= (neither is an operation parameter in the document).
        cookie = anonymous.get_httpx_client().cookies.get(SESSION_COOKIE)
        self.check(
            step,
            bool(cookie),
            f"the sign-in did not set the {SESSION_COOKIE} cookie "
            f"(Set-Cookie: {resp.headers.get('set-cookie')!r})",
        )
        anonymous.get_httpx_client().close()
        self.session_cookie = cookie
        session = self.client(
            cookies={SESSION_COOKIE: cookie}, headers={"X-CSRF-Token": login.csrf_token}
        )
        self.ok(
            step,
            f"{login.user.email} role={login.user.role} session expires {login.expires_at.isoformat()}",
        )
        return session

    def patch_one_field(self, session, account, etag: str) -> None:
        M = self.models
        step = "patch one field"
        new_phone = "+44 20 7946 0999"
        patch = M.AccountPatch(phone=new_phone)
        # The patch schema is partial: everything but the field we set must stay out of
        # the body, or the server would take the omitted fields as changes (null clears).
        sent = patch.to_dict()
        self.check(
            step,
            sent == {"phone": new_phone},
            f"the generated AccountPatch would send {sent!r}, not just the phone",
        )
        resp = self.call(
            step,
            "update_account",
            200,
            M.Account,
            client=session,
            id=account.id,
            body=patch,
            if_match=etag,
        )
        after = resp.parsed
        self.check(
            step, after.id == account.id, f"patched {after.id}, asked for {account.id}"
        )
        self.check(
            step,
            after.phone == new_phone,
            f"phone is {after.phone!r}, patched to {new_phone!r}",
        )
        for field in ("name", "legal_name", "website", "kind", "tags", "company_key"):
            before_v, after_v = getattr(account, field), getattr(after, field)
            self.check(
                step,
                before_v == after_v,
                f"{field} changed from {before_v!r} to {after_v!r} though only phone was sent",
            )
        self.check(
            step,
            after.version > account.version,
            f"version went {account.version} -> {after.version}, expected an increase",
        )
        self.ok(
            step,
            f"phone {account.phone!r} -> {after.phone!r}; name, legal_name, website, kind, "
            f"tags unchanged; version {account.version} -> {after.version}",
        )

    def write_without_csrf_is_refused(self, account) -> None:
        M = self.models
        step = "write without CSRF"
        # Same session cookie, no X-CSRF-Token. update_account lists 403, so the refusal
        # parses as a ProblemBody. (create_account lists no 403 at all, a gap in the
        # document: there the generated function returns parsed=None, or raises
        # UnexpectedStatus with raise_on_unexpected_status.)
        bare = self.client(cookies={SESSION_COOKIE: self.session_cookie})
        resp = self.call(
            step,
            "update_account",
            403,
            M.ProblemBody,
            client=bare,
            id=account.id,
            body=M.AccountPatch(notes="must not be written"),
        )
        problem = resp.parsed
        self.check(
            step,
            problem.type_ == "/problems/csrf",
            f"refused, but with problem type {problem.type_!r}, not /problems/csrf",
        )
        self.ok(step, f"403 {problem.type_}: {problem.detail}")

    def create_lead(self, session, account) -> None:
        M = self.models
        step = "create lead"
        # value is a decimal *string* in the document ("never a JSON number"): sending
        # and getting back "1234.50" exactly proves neither side went through a float.
        value, currency = "1234.50", "EUR"
        title = f"Contract {self.run_id} lead"
        body = M.LeadCreate(
            title=title, account_id=account.id, value=value, currency=currency
        )
        sent = body.to_dict()
        self.check(
            step,
            sent.get("value") == value and isinstance(sent.get("value"), str),
            f"the generated LeadCreate would send value {sent.get('value')!r}",
        )
        resp = self.call(step, "create_lead", 201, M.Lead, client=session, body=body)
        lead = resp.parsed
        self.check(step, lead.title == title, f"title is {lead.title!r}")
        self.check(
            step,
            lead.account_id == account.id,
            f"account_id is {lead.account_id!r}, sent {account.id}",
        )
        self.check(
            step, lead.value == value, f"value is {lead.value!r}, sent {value!r}"
        )
        self.check(
            step,
            lead.currency == currency,
            f"currency is {lead.currency!r}, sent {currency!r}",
        )
        self.check(
            step,
            lead.status == M.LeadStatus.NEW,
            f"status is {lead.status!r}, expected the default new",
        )
        self.ok(
            step,
            f"{lead.id} value={lead.value} {lead.currency} status={lead.status} "
            f"probability={lead.probability} on account {lead.account_id}",
        )

    def page_through_accounts(self, session, first_account) -> None:
        M = self.models
        step = "create more accounts"
        created: dict[UUID, str] = {first_account.id: first_account.name}
        for i in range(1, PAGED_ACCOUNTS):
            name = f"Contract {self.run_id} Extra {chr(ord('a') + i)}"
            resp = self.call(
                step,
                "create_account",
                201,
                M.Account,
                client=session,
                body=M.AccountCreate(name=name),
            )
            created[resp.parsed.id] = resp.parsed.name
        self.ok(step, f"{len(created)} accounts named 'Contract {self.run_id} ...'")

        step = "page accounts"
        # q= narrows the listing to this run's accounts, so the expected set is exact
        # whatever else the server holds.
        seen: dict[UUID, int] = {}
        pages: list[int] = []
        cursor = self.UNSET
        while True:
            if len(pages) > PAGED_ACCOUNTS + 2:
                raise Fail(
                    step,
                    f"still paging after {len(pages)} pages of {PAGE_LIMIT}; "
                    f"next_cursor never became null (seen {len(seen)})",
                )
            resp = self.call(
                step,
                "list_accounts",
                200,
                M.AccountPage,
                client=session,
                limit=PAGE_LIMIT,
                q=self.run_id,
                cursor=cursor,
            )
            page = resp.parsed
            self.check(
                step,
                len(page.data) <= PAGE_LIMIT,
                f"page {len(pages) + 1} holds {len(page.data)} accounts, limit was {PAGE_LIMIT}",
            )
            pages.append(len(page.data))
            for a in page.data:
                seen[a.id] = seen.get(a.id, 0) + 1
            # next_cursor is `string | null` and optional: absent and null both end.
            if not isinstance(page.next_cursor, str):
                break
            self.check(
                step, len(page.data) > 0, "an empty page still carried a next_cursor"
            )
            cursor = page.next_cursor
        twice = {str(i): n for i, n in seen.items() if n > 1}
        missing = [f"{created[i]} ({i})" for i in created if i not in seen]
        strangers = [str(i) for i in seen if i not in created]
        self.check(step, not twice, f"accounts listed more than once: {twice}")
        self.check(step, not missing, f"accounts never listed: {missing}")
        self.check(
            step,
            not strangers,
            f"q={self.run_id} listed accounts this run did not create: {strangers}",
        )
        self.ok(
            step,
            f"{len(pages)} pages of sizes {pages}; all {len(created)} accounts seen exactly once",
        )


if __name__ == "__main__":
    sys.exit(main())
