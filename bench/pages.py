"""Benchmark: server time of every page of the web app on the seed graph, and the explore page's size.

Run: python bench/pages.py
Uses Flask's test client, so it measures the app's own time (no network). Targets (issue 4): every page under
300 ms; the explore page's HTML under 1.5 MB.
"""

from __future__ import annotations

from load import summary, timed

PAGES = [
    "/",
    "/search?q=health",
    "/search?q=Phil",
    "/api/names?q=phi",
    "/id/community/sel-polypharmacy",
    "/id/person/phil-southworth",
    "/id/organisation/health-innovation-network",
    "/id/community/alcohol-assertive-outreach",
    "/id/cohort/2019-20",
    "/vocab/theme/polypharmacy",
    "/vocab/theme/medicines-optimisation",
    "/vocab/theme",
    "/source/report-2023-24",
    "/source/report-2023-24/sel-polypharmacy?lines=288#L288",
    "/graph/derived",
    "/ontology",
    "/download/copgraph.gexf",
    "/explore",
    "/explore.json",
    "/explore?focus=id/community/sel-polypharmacy&hops=2",
    "/explore.json?focus=id/community/sel-polypharmacy&hops=2",
    "/explore/suggested.json?focus=id/person/phil-southworth&hops=2",
    "/explore/names?q=poly",
    "/explore.gexf?focus=id/community/sel-polypharmacy&hops=2",
    "/synergies",
    "/boundaries",
    "/boundaries/ties?by=sector&a=vocab/sector/nhs&b=vocab/sector/improvement-network",
    "/boundaries.csv?table=brokers",
    "/cohorts",
    "/cohorts.csv?table=themes",
    "/query",
    "/query?example=communities-working-on-medicines",
    "/query?query=SELECT%20%3Fc%20(COUNT(%3Fs)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20cop%3Acohort%20%3Fc%20%7D%20GROUP%20BY%20%3Fc",
    "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
]


def main() -> None:
    from webapp import create_app

    app = create_app({"QUERY_WORKERS": 2})
    client = app.test_client()
    try:
        for page in PAGES:
            client.get(page)  # warm: first visits compute and cache suggestions
            print(f"{page:<58} {summary(timed(lambda p=page: client.get(p).close(), 10))}")
        size = len(client.get("/explore").data) + len(client.get("/explore.json").data)
        print(f"\nexplore page: HTML + graph data {size / 1e6:.2f} MB (vis-network served once, cached)")
    finally:
        app.extensions["copgraph"].workers.close()


if __name__ == "__main__":
    main()
