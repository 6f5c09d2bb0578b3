"""The LLM client against local fault servers: retries, time cap, response-format fallback, secrets."""

from __future__ import annotations

import pytest

from paperflow.summary import llm as llm_module
from paperflow.http import retry_after_seconds
from paperflow.summary.llm import LLMClient, LLMError, cost_of, display_url
from paperflow.settings import LLMPrice, LLMSettings
from tests.support.llm_server import FaultServer, Reply
from tests.support.local_server import free_port

MESSAGES = [{"role": "system", "content": "answer in JSON"}, {"role": "user", "content": "hi"}]
SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}


@pytest.fixture(autouse=True)
def _fresh_format_memory():
    llm_module.forget_formats()
    yield
    llm_module.forget_formats()


def settings_for(server: FaultServer | str, **overrides) -> LLMSettings:
    base_url = server if isinstance(server, str) else server.base_url
    values = {"base_url": base_url, "model": "fault-model", "retries": 4, "retry_backoff_seconds": 0.01,
              "retry_max_seconds": 30, "timeout_seconds": 5}
    values.update(overrides)
    return LLMSettings(**values)


class Sleeps(list):
    """Records the waits tenacity asks for (and really sleeps them, briefly)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        import time

        time.sleep(min(seconds, 0.05))


def test_a_plain_answer_reports_content_tokens_and_format():
    with FaultServer([Reply.answer('{"a": 1}', prompt_tokens=120, completion_tokens=7)]) as server:
        completion = LLMClient(settings_for(server)).complete(MESSAGES, SCHEMA)
    assert completion.content == '{"a": 1}'
    assert (completion.input_tokens, completion.output_tokens) == (120, 7)
    assert completion.response_format == "json_schema"
    sent = server.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert sent["model"] == "fault-model"
    assert sent["max_tokens"] == 1500


def test_429_waits_as_long_as_retry_after_says_then_succeeds():
    script = [Reply.error(429, "slow down", {"Retry-After": "3"}), Reply.answer('{"a": 1}')]
    sleeps = Sleeps()
    with FaultServer(script) as server:
        completion = LLMClient(settings_for(server), sleep=sleeps).complete(MESSAGES, SCHEMA)
    assert completion.content == '{"a": 1}'
    assert sleeps == [3.0]  # the server's wish, not the backoff (0.01)
    assert len(server.requests) == 2
    assert completion.attempts == 2


def test_500_is_retried_with_exponential_backoff():
    script = [Reply.error(500, "boom"), Reply.error(502, "bad gateway"), Reply.error(503, "busy"),
              Reply.answer('{"a": 2}')]
    sleeps = Sleeps()
    with FaultServer(script) as server:
        completion = LLMClient(settings_for(server, retry_backoff_seconds=0.5), sleep=sleeps).complete(MESSAGES, SCHEMA)
    assert completion.content == '{"a": 2}'
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(server.requests) == 4


def test_500_forever_ends_in_one_clear_line_after_the_configured_retries():
    with FaultServer([Reply.error(500, "internal trouble")]) as server:
        with pytest.raises(LLMError) as caught:
            LLMClient(settings_for(server, retries=2), sleep=Sleeps()).complete(MESSAGES, SCHEMA)
    message = str(caught.value)
    assert len(server.requests) == 3
    assert "\n" not in message
    assert message.startswith("summarize: LLM at http://127.0.0.1:")
    assert "HTTP 500 after 3 attempts" in message and "internal trouble" in message


def test_total_time_cap_stops_retrying_when_the_server_wants_too_long_a_wait():
    script = [Reply.error(429, "quota", {"Retry-After": "3600"})]
    sleeps = Sleeps()
    with FaultServer(script) as server:
        with pytest.raises(LLMError, match=r"rate limited \(HTTP 429\) after 1 attempt"):
            LLMClient(settings_for(server, retry_max_seconds=60), sleep=sleeps).complete(MESSAGES, SCHEMA)
    assert sleeps == []  # never slept an hour: the wait would pass the cap
    assert len(server.requests) == 1


def test_a_stalled_answer_times_out_and_the_retry_succeeds():
    script = [Reply(200, {"never": "read"}, stall_seconds=3.0), Reply.answer('{"a": 3}')]
    with FaultServer(script) as server:
        completion = LLMClient(settings_for(server, timeout_seconds=0.5), sleep=Sleeps()).complete(MESSAGES, SCHEMA)
    assert completion.content == '{"a": 3}'
    assert len(server.requests) == 2


def test_stalling_forever_is_a_timeout_error():
    with FaultServer([Reply(200, {}, stall_seconds=2.0)]) as server:
        with pytest.raises(LLMError, match=r"no answer within 0.6 s \(timeout\) after 2 attempts"):
            LLMClient(settings_for(server, timeout_seconds=0.3, retries=1), sleep=Sleeps()).complete(MESSAGES, SCHEMA)


def test_nothing_listening_is_a_connection_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(LLMError, match=r"cannot connect \(connection refused\) after 2 attempts"):
        LLMClient(settings_for(url, retries=1), sleep=Sleeps()).complete(MESSAGES, SCHEMA)


def test_a_refused_connection_is_retried_for_seconds_not_minutes_then_the_endpoint_is_gone_for_the_run():
    import time

    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    # 20 retries from 1 s doubling would wait for minutes; a refused connection gets CONNECT_RETRY_SECONDS.
    settings = settings_for(url, retries=20, retry_backoff_seconds=1.0, retry_max_seconds=300)
    started = time.monotonic()
    with pytest.raises(LLMError) as first:
        LLMClient(settings).complete(MESSAGES, SCHEMA)
    took = time.monotonic() - started
    assert llm_module.CONNECT_RETRY_SECONDS == 5.0
    assert "cannot connect (connection refused) after 3 attempts" in str(first.value)  # waits of 1 s and 2 s
    assert 2.5 < took < 6
    started = time.monotonic()
    with pytest.raises(LLMError) as second:
        LLMClient(settings).complete(MESSAGES, SCHEMA)  # the next paper: not tried at all
    assert time.monotonic() - started < 0.5
    assert str(second.value) == (f"summarize: LLM at {url}: 127.0.0.1:{port} unreachable (connection refused); "
                                 "not tried again this run")


def test_json_schema_rejected_falls_back_to_json_object_with_schema_and_remembers_it():
    # What llama.cpp's server does with json_schema; later calls go straight to what worked.
    script = [Reply.error(400, "response_format.type: 'json_schema' is not supported"),
              Reply.answer('{"a": 4}'), Reply.answer('{"a": 5}')]
    with FaultServer(script) as server:
        first = LLMClient(settings_for(server)).complete(MESSAGES, SCHEMA)
        second = LLMClient(settings_for(server)).complete(MESSAGES, SCHEMA)
    assert first.response_format == second.response_format == "json_object_schema"
    formats = [r["response_format"] for r in server.requests]
    assert formats[0]["type"] == "json_schema"
    assert formats[1] == {"type": "json_object", "schema": SCHEMA}
    assert formats[2] == {"type": "json_object", "schema": SCHEMA}


def test_fallback_goes_down_to_plain_text():
    script = [Reply.error(400, "json_schema unsupported"), Reply.error(422, "unknown field schema in response_format"),
              Reply.error(400, "response_format json_object unsupported"), Reply.answer('{"a": 6}')]
    with FaultServer(script) as server:
        completion = LLMClient(settings_for(server)).complete(MESSAGES, SCHEMA)
    assert completion.response_format == "text"
    assert "response_format" not in server.requests[-1]


def test_a_400_about_something_else_is_not_a_format_problem():
    with FaultServer([Reply.error(400, "context length exceeded: 9000 > 8192 tokens")]) as server:
        with pytest.raises(LLMError, match="HTTP 400.*context length exceeded"):
            LLMClient(settings_for(server)).complete(MESSAGES, SCHEMA)
    assert len(server.requests) == 1


def test_the_key_is_read_from_the_named_variable_and_never_shown(monkeypatch):
    secret = "sk-test-THIS-IS-SECRET-1234567890"
    monkeypatch.setenv("MY_LLM_KEY", secret)
    script = [Reply.error(401, f"Incorrect API key provided: {secret}. You can find your key at ...")]
    with FaultServer(script) as server:
        with pytest.raises(LLMError) as caught:
            LLMClient(settings_for(server, api_key_env="MY_LLM_KEY")).complete(MESSAGES, SCHEMA)
    assert server.headers[0]["authorization"] == f"Bearer {secret}"
    assert secret not in str(caught.value)
    assert "authentication failed (HTTP 401): check the key in $MY_LLM_KEY" in str(caught.value)


def test_an_unset_key_variable_names_the_variable(monkeypatch):
    monkeypatch.delenv("MY_MISSING_KEY", raising=False)
    with pytest.raises(LLMError, match="environment variable MY_MISSING_KEY .* is not set"):
        LLMClient(settings_for("http://127.0.0.1:9/v1", api_key_env="MY_MISSING_KEY"))


def test_no_endpoint_is_an_error_that_says_how_to_configure_one():
    with pytest.raises(LLMError, match="no LLM configured"):
        LLMClient(LLMSettings())


def test_cost_uses_the_price_table():
    settings = LLMSettings(prices={"m": LLMPrice(input_per_million=2.0, output_per_million=8.0)})
    assert cost_of(settings, "m", 500_000, 100_000) == pytest.approx(1.8)
    assert cost_of(settings, "other", 10, 10) is None


def test_retry_after_forms():
    assert retry_after_seconds({"retry-after": "2.5"}) == 2.5
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_display_url_drops_credentials_and_query():
    assert display_url("https://user:pw@api.example.com:8443/v1?key=abc") == "https://api.example.com:8443/v1"
