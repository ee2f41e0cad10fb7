"""`make bench`: its baseline views exist only under the benchmark's settings, and what it reads
from wrk and tells an operator is right (nothing here is timed)."""

import pytest

from scripts.bench import run as bench_run
from scripts.bench.database import with_database
from scripts.bench.report import Measured, growth_table, size_table
from scripts.bench.wrk import INSTALL_HINT, WrkResult, parse_wrk_output, write_post_script

# Captured from `wrk -t2 -c16 -d3s --latency` against a page that failed some requests.
WRK_REPORT = """\
Running 3s test @ http://127.0.0.1:8765/dashboard/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   256.12ms   40.10ms   1.02s    81.25%
    Req/Sec    31.04      9.87    50.00     68.33%
  Latency Distribution
     50%  241.50ms
     75%  270.00ms
     90%  330.00ms
     99%    1.02s
  187 requests in 3.04s, 5.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     61.46
Transfer/sec:      1.71MB
"""

HELLO_REPORT = """\
Running 3s test @ http://127.0.0.1:8765/_bench/hello
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.43ms    1.01ms  12.20ms   75.00%
    Req/Sec     1.80k   120.00     2.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    4.90ms
     90%    5.60ms
     99%    8.10ms
  10803 requests in 3.00s, 1.90MB read
Requests/sec:   3601.00
Transfer/sec:    648.00KB
"""


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/_bench/hello", "/_bench/hello-user"])
def test_baseline_views_are_not_reachable_on_the_site(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_baseline_views_answer_under_the_benchmark_urls(client, settings, make_user):
    settings.ROOT_URLCONF = "roadmap_site.urls_bench"
    assert client.get("/_bench/hello").content == b"hello"
    assert client.get("/_bench/hello-user").content == b"None"
    learner = make_user()
    client.force_login(learner)
    assert client.get("/_bench/hello-user").content == str(learner.pk).encode()


def test_wrk_report_is_read_with_errors():
    result = parse_wrk_output(WRK_REPORT)
    assert result.requests_per_second == 61.46
    assert result.p50_ms == 241.5
    assert result.p99_ms == 1020.0
    assert result.requests == 187
    assert (result.non_2xx_3xx, result.socket_errors, result.errors) == (7, 5, 12)


def test_wrk_report_in_microseconds_without_errors():
    result = parse_wrk_output(HELLO_REPORT)
    assert result.requests_per_second == 3601.0
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p99_ms == 8.1
    assert result.errors == 0


def test_a_report_without_percentiles_is_refused():
    without_latency = "\n".join(
        line for line in WRK_REPORT.splitlines() if not line.strip().endswith(("ms", "s"))
    )
    with pytest.raises(ValueError, match="percentiles"):
        parse_wrk_output(without_latency)


def test_post_script_sends_the_htmx_form_with_its_csrf_token(tmp_path):
    secret = "a" * 32
    script = write_post_script(
        tmp_path,
        body="status=in_progress",
        headers={"HX-Request": "true", "X-CSRFToken": secret, "Cookie": f"csrftoken={secret}"},
    ).read_text()
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "status=in_progress"' in script
    assert f'wrk.headers["X-CSRFToken"] = "{secret}"' in script
    assert 'wrk.headers["HX-Request"] = "true"' in script


def test_without_wrk_one_line_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(bench_run, "wrk_path", lambda: None)
    assert bench_run.main() == 1
    err = capsys.readouterr().err
    assert err.strip() == INSTALL_HINT
    assert "apt-get install wrk" in err
    assert "brew install wrk" in err


def test_benchmark_database_is_another_database_on_the_same_server():
    socket_url = "postgresql://postgres@%2Fsrv%2F.data%2Fpostgres/roadmap"
    assert with_database(socket_url, "roadmap_bench_42") == (
        "postgresql://postgres@%2Fsrv%2F.data%2Fpostgres/roadmap_bench_42"
    )
    assert with_database("postgresql://u:p@db:5432/site?sslmode=require", "b") == (
        "postgresql://u:p@db:5432/b?sslmode=require"
    )


def measured(name, baseline, *rates):
    runs = [WrkResult(rate, 10.0, 20.0, 100, 0, 0) for rate in rates]
    return Measured(name, baseline, runs)


def test_tables_give_ratios_to_the_median_baseline_and_growth_as_slowdown():
    small_hello = {"anonymous": measured("hello", "anonymous", 900, 1000, 5000)}
    large_hello = {"anonymous": measured("hello", "anonymous", 500, 500, 500)}
    small_page = measured("`/` anonymous", "anonymous", 500)
    large_page = measured("`/` anonymous", "anonymous", 250)

    table = size_table("1,000 learners", small_hello, [small_page])
    assert "| `/` anonymous | 500 | 10.0 | 20.0 | 0 | 0.50 |  |" in table
    # with its baseline measured right after it (a slower moment of the machine: 800 req/s)
    small_page.neighbour = measured("hello", "anonymous", 800).runs[0]
    table = size_table("1,000 learners", small_hello, [small_page])
    assert "| `/` anonymous | 500 | 10.0 | 20.0 | 0 | 0.50 | 0.62 (of 800) |" in table

    growth = growth_table(
        [small_page], [large_page], ("1,000", "25,000"), (small_hello, large_hello)
    )
    assert "| `/` anonymous | 500 | 250 | 2.00x | 1.00x |" in growth
    # against the baseline runs right after the page at each size, where there are some
    large_page.neighbour = measured("hello", "anonymous", 500).runs[0]
    growth = growth_table(
        [small_page], [large_page], ("1,000", "25,000"), (small_hello, large_hello)
    )
    assert "| `/` anonymous | 500 | 250 | 2.00x | 1.25x |" in growth  # 800 → 500: 1.6x drift
