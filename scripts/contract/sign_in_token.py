"""Signs in and prints a new API token, for schemathesis's Authorization header.

    python3 sign_in_token.py BASE_URL EMAIL PASSWORD

A token rather than the session: schemathesis sends no CSRF header, and a token needs
none. Standard library only.
"""

import http.cookiejar
import json
import sys
import urllib.request


def main() -> None:
    base, email, password = sys.argv[1:4]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, body: dict, headers: dict) -> dict:
        request = urllib.request.Request(
            base + path,
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", **headers},
            method="POST",
        )
        with opener.open(request, timeout=30) as response:
            return json.load(response)

    session = post("/api/v1/auth/login", {"email": email, "password": password}, {})
    token = post("/api/v1/tokens", {"name": "contract run"}, {"x-csrf-token": session["csrf_token"]})
    print(token["token"])


if __name__ == "__main__":
    main()
