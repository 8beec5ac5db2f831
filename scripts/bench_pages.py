#!/usr/bin/env python3
"""Times the web UI's main pages and weighs them (scripts/bench-pages runs this).

Signs in through the sign-in form like a browser (form cookie, CSRF field, session
cookie), then for each page sends REQUESTS sequential GETs on one keep-alive connection,
asking for gzip as browsers do, and reports p50/p99 of the whole response time (what the
server takes plus loopback), and the page's weight: the HTML as sent (gzip) plus the
stylesheet and script it links (gzip, fetched once; browsers then keep them for a year).

usage: bench_pages.py BASE_URL EMAIL PASSWORD SAMPLES_JSON REQUESTS
"""

import http.client
import json
import re
import statistics
import sys
import time
import urllib.parse


def main():
    base, email, password, samples_path, requests = sys.argv[1:6]
    requests = int(requests)
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    cookies = {}

    def send(method, path, body=None, headers=None):
        h = {"Accept-Encoding": "gzip", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        for value in res.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        return res, data

    res, page = send("GET", "/sign-in")
    page = gunzip(res, page)
    token = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"_csrf": token, "login": email, "password": password})
    res, _ = send("POST", "/sign-in", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 303, f"sign-in answered {res.status}"

    samples = json.load(open(samples_path))
    busy_account = samples["accounts"]["busy"][0]["id"]
    typical_account = samples["accounts"]["typical"][0]["id"]
    busy_lead = samples["leads"]["busy"][0]["id"]
    pages = [
        ("home", "/home"),
        ("accounts", "/accounts"),
        ("accounts, search", "/accounts?q=north"),
        ("accounts, filtered", "/accounts?kind=customer&sort=name"),
        ("account (busiest)", f"/accounts/{busy_account}"),
        ("account (typical)", f"/accounts/{typical_account}"),
        ("contacts", "/contacts"),
        ("lead board", "/leads"),
        ("leads list", "/leads/list"),
        ("lead (busiest)", f"/leads/{busy_lead}"),
        ("pipeline", "/pipeline"),
        ("products", "/products"),
        ("distribution log", "/distributions"),
        ("sales dashboard", "/dashboards/sales"),
        ("admin: users", "/admin/users"),
        ("admin: audit", "/admin/audit"),
    ]
    assets = {}
    print(f"{'page':<22} {'status':>6} {'p50 ms':>8} {'p99 ms':>8} {'HTML gz KB':>10} {'+CSS+JS gz KB':>13}")
    for name, path in pages:
        times = []
        status, html_gz, html = 0, b"", b""
        for _ in range(requests):
            start = time.perf_counter()
            res, body = send("GET", path)
            times.append((time.perf_counter() - start) * 1000)
            status, html_gz = res.status, body
            html = gunzip(res, body)
        times.sort()
        p50 = statistics.median(times)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        weight = len(html_gz)
        for href in re.findall(rb'(?:href|src)="(/assets/[^"]+\.(?:css|js))"', html):
            if href not in assets:
                res, body = send("GET", href.decode())
                assets[href] = len(body)
            weight += assets[href]
        print(f"{name:<22} {status:>6} {p50:>8.1f} {p99:>8.1f} {len(html_gz) / 1024:>10.1f} {weight / 1024:>13.1f}")


def gunzip(res, body):
    if res.headers.get("Content-Encoding") == "gzip":
        import gzip
        return gzip.decompress(body)
    return body


if __name__ == "__main__":
    main()
