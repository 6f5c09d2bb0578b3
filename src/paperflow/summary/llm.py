"""One chat call to any OpenAI-compatible endpoint, with retries and structured-output negotiation.

- The openai SDK talks to the server; its own retries are off (max_retries=0) because paperflow.http's
  RetryPolicy owns them here: 429 (honouring Retry-After), 5xx, timeouts and dropped connections are
  retried with exponential backoff, within `llm.retries` re-tries and a total time cap
  `llm.retry_max_seconds`. A refused connection (nothing listening: the server is starting, or not
  there at all) is retried for CONNECT_RETRY_SECONDS only; then the endpoint is unreachable for the
  run and the next papers fail at once with the same line.
- Structured output: `json_schema` where the server takes it, else `json_object` with the schema
  (llama.cpp server), else `json_object`, else plain text (the prompt carries the schema anyway).
  With `llm.response_format = "auto"` a 400/422 that complains about the response format moves to
  the next one, and the one that worked is remembered per base_url for the life of the process.
- The API key is read from the environment variable *named* in `llm.api_key_env`, once, when the
  client is created; it never appears in a message, a log line or an exception.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai
from tenacity import RetryCallState

from paperflow.errors import PaperflowError
from paperflow.http import (
    RUN_HOSTS,
    USER_AGENT,
    HostUnreachableError,
    RetryPolicy,
    RunHosts,
    attempts_text,
    connect_failure,
    retry_after_seconds,
)
from paperflow.settings import LLMPrice, LLMSettings

STAGE = "summarize"
FORMATS = ("json_schema", "json_object_schema", "json_object", "text")
# Placeholder sent to servers that need no key (llama.cpp, Ollama, vLLM, LM Studio); the SDK insists on one.
NO_KEY = "no-key-configured"
_MAX_BACKOFF_SECONDS = 60.0
# A call that timed out is tried again with twice the time (within llm.retry_max_seconds): a local model on a
# busy machine (or one loading its weights for the first answer) answers later, not never, and an abandoned
# request is work the server still does.
TIMEOUT_GROWTH = 2.0
CONNECT_RETRY_SECONDS = 5.0  # how long a refused connection is tried again before the endpoint counts as gone

_format_memory: dict[str, str] = {}
_semaphores: dict[str, threading.BoundedSemaphore] = {}
_shared_lock = threading.Lock()


class LLMError(PaperflowError):
    """The LLM call failed for good (after retries, or at once for errors retrying cannot fix)."""


@dataclass(frozen=True)
class Completion:
    """One answer of the model: its text and what it cost."""

    content: str
    input_tokens: int
    output_tokens: int
    finish_reason: str | None
    response_format: str  # the entry of FORMATS that the server accepted
    seconds: float  # wall time of the HTTP exchange(s), retries and waits included
    attempts: int


def display_url(base_url: str) -> str:
    """The endpoint as it may be shown: scheme, host, port and path; no user info or query."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}".rstrip("/")


def cost_of(llm: LLMSettings, model: str | None, input_tokens: int, output_tokens: int) -> float | None:
    """Cost in the price table's currency, or None when the model has no price entry."""
    return price_cost(llm.prices.get(model or ""), input_tokens, output_tokens)


def price_cost(price: LLMPrice | None, input_tokens: int, output_tokens: int) -> float | None:
    """Cost of these tokens at `price` (per million), or None without a price."""
    if price is None:
        return None
    return input_tokens / 1e6 * price.input_per_million + output_tokens / 1e6 * price.output_per_million


def remembered_format(base_url: str) -> str | None:
    with _shared_lock:
        return _format_memory.get(base_url)


def forget_formats() -> None:
    """Forget what every server accepted (tests; a server that was upgraded)."""
    with _shared_lock:
        _format_memory.clear()


def _semaphore(base_url: str, size: int) -> threading.BoundedSemaphore:
    # One limit per endpoint per process, shared by every client (CLI threads, Prefect tasks).
    with _shared_lock:
        key = f"{base_url}#{size}"
        if key not in _semaphores:
            _semaphores[key] = threading.BoundedSemaphore(size)
        return _semaphores[key]




_FORMAT_COMPLAINT = re.compile(r"response[_ ]?format|json[_ ]?schema|json[_ ]?object|\bschema\b|grammar", re.I)


def _format_rejected(exc: openai.APIStatusError) -> bool:
    """A 400/422 whose message is about the response format (the server does not support it), or a
    500 naming response_format (llama-cpp-python's server answers an unknown format with a 500)."""
    text = f"{exc.message} {exc.body!r}"
    if exc.status_code in (400, 422):
        return bool(_FORMAT_COMPLAINT.search(text))
    return exc.status_code == 500 and "response_format" in text


def _asked_wait(exc: BaseException) -> float | None:
    """The server's Retry-After (or Retry-After-Ms) on an HTTP error answer."""
    return retry_after_seconds(exc.response.headers) if isinstance(exc, openai.APIStatusError) else None


def _retriable(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500 and not _format_rejected(exc)


def _response_format(fmt: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if fmt == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    if fmt == "json_object":
        return {"type": "json_object"}
    return None


class LLMClient:
    """A configured endpoint. Thread-safe; `complete()` may be called from several threads at once."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        http_client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        hosts: RunHosts = RUN_HOSTS,
    ):
        """Raises LLMError when no endpoint or model is configured, or the key variable is unset."""
        if not llm.base_url:
            raise LLMError("no LLM configured (set [llm] base_url and model)", stage=STAGE)
        if not llm.model:
            raise LLMError(f"[llm] model is not set for {display_url(llm.base_url)}", stage=STAGE)
        self.settings = llm
        self.base_url = llm.base_url
        self.model = llm.model
        self.where = display_url(llm.base_url)
        api_key = NO_KEY
        if llm.api_key_env:
            value = os.environ.get(llm.api_key_env, "")
            if not value.strip():
                raise LLMError(
                    f"environment variable {llm.api_key_env} (named in [llm] api_key_env) is not set", stage=STAGE
                )
            api_key = value.strip()
        self._secret = api_key if api_key != NO_KEY else None
        self._sleep = sleep
        self._hosts = hosts
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=llm.base_url,
            timeout=llm.timeout_seconds,
            max_retries=0,  # paperflow.http's RetryPolicy owns retries (one policy, one time cap)
            http_client=http_client,
            default_headers={"User-Agent": USER_AGENT},
        )

    # -- public ------------------------------------------------------------------------------

    def formats_to_try(self) -> list[str]:
        configured = self.settings.response_format
        if configured == "text":
            return ["text"]
        if configured == "json_object":
            return ["json_object_schema", "json_object"]
        if configured == "json_schema":
            return ["json_schema"]
        known = remembered_format(self.base_url)
        return [known] if known else list(FORMATS)

    def complete(
        self, messages: Sequence[Mapping[str, str]], schema: dict[str, Any], schema_name: str = "summary"
    ) -> Completion:
        """Send the chat and return the model's answer (not yet parsed or validated).

        Raises LLMError (one line, no secret) when the server keeps failing, rejects the request,
        or accepts none of the response formats.
        """
        try:
            self._hosts.check(self.base_url)
        except HostUnreachableError as exc:
            raise LLMError(f"LLM at {self.where}: {exc.message}", stage=STAGE) from None
        formats = self.formats_to_try()
        started = time.monotonic()
        attempts = 0
        for index, fmt in enumerate(formats):
            try:
                response, tries = self._call_with_retries(messages, _response_format(fmt, schema, schema_name))
            except openai.APIStatusError as exc:
                attempts += 1
                if _format_rejected(exc) and index + 1 < len(formats):
                    continue  # this server does not take this format: try the next one
                raise self._error(exc, attempts, time.monotonic() - started) from None
            except LLMError:
                raise
            attempts += tries
            if self.settings.response_format == "auto":
                with _shared_lock:
                    _format_memory[self.base_url] = fmt
            return self._completion(response, fmt, time.monotonic() - started, attempts)
        raise LLMError(f"{self.where} accepted none of the response formats {', '.join(formats)}", stage=STAGE)

    # -- internals ---------------------------------------------------------------------------

    def _call_with_retries(
        self, messages: Sequence[Mapping[str, str]], response_format: dict[str, Any] | None
    ) -> tuple[Any, int]:
        llm = self.settings
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "temperature": llm.temperature,
            "max_tokens": llm.max_output_tokens,
        }
        if response_format is not None:
            kwargs["response_format"] = response_format
        policy = RetryPolicy(retries=llm.retries, backoff_seconds=llm.retry_backoff_seconds,
                             max_backoff_seconds=_MAX_BACKOFF_SECONDS, max_seconds=llm.retry_max_seconds)
        retrying = policy.retrying(_retriable, retry_after=_asked_wait, sleep=self._sleep)
        policy_stop = retrying.stop

        def stop(state: RetryCallState) -> bool:
            # A refused connection is tried again briefly (a server starting up), never for minutes.
            exc = state.outcome.exception() if state.outcome else None
            waited = state.seconds_since_start + (state.upcoming_sleep or 0)
            if exc is not None and connect_failure(exc) and waited > CONNECT_RETRY_SECONDS:
                return True
            return policy_stop(state)

        retrying.stop = stop
        started = time.monotonic()
        semaphore = _semaphore(self.base_url, llm.max_concurrency)
        wait = llm.timeout_seconds
        try:
            for attempt in retrying:
                with attempt, semaphore:
                    try:
                        response = self._client.chat.completions.create(**kwargs, timeout=wait)
                    except openai.APITimeoutError:
                        wait *= TIMEOUT_GROWTH
                        raise
            return response, retrying.statistics.get("attempt_number", 1)
        except (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError) as exc:
            error = self._error(exc, retrying.statistics.get("attempt_number", 1), time.monotonic() - started,
                                waited=wait / TIMEOUT_GROWTH)
            cause = connect_failure(exc)
            if cause is not None:
                self._hosts.mark(self.base_url, cause)
            raise error from None
        except openai.APIStatusError as exc:
            if exc.status_code >= 500 and not _format_rejected(exc):
                raise self._error(exc, retrying.statistics.get("attempt_number", 1), time.monotonic() - started) from None
            raise

    def _completion(self, response: Any, fmt: str, seconds: float, attempts: int) -> Completion:
        choice = response.choices[0] if response.choices else None
        content = (choice.message.content or "") if choice and choice.message else ""
        usage = response.usage
        return Completion(
            content=content,
            input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            finish_reason=choice.finish_reason if choice else None,
            response_format=fmt,
            seconds=seconds,
            attempts=attempts,
        )

    def _scrub(self, text: str) -> str:
        text = " ".join(str(text).split())
        if self._secret:
            text = text.replace(self._secret, "***")
        # Servers echo partial keys ("sk-abc...xyz"); drop anything that looks like one.
        text = re.sub(r"\b(sk|key|Bearer)[-_ ][A-Za-z0-9_\-\.\*]{6,}", r"\1-***", text)
        return text[:300]

    def _error(self, exc: Exception, attempts: int, seconds: float, waited: float | None = None) -> LLMError:
        tries = f"{attempts_text(attempts)} in {seconds:.1f} s"
        if isinstance(exc, openai.APITimeoutError):
            longest = waited if waited is not None else self.settings.timeout_seconds  # the last try's wait
            cause = f"no answer within {longest:g} s (timeout) {tries}"
        elif isinstance(exc, openai.APIConnectionError):
            why = connect_failure(exc)
            cause = f"cannot connect{f' ({why})' if why else ''} {tries}"
        elif isinstance(exc, openai.RateLimitError):
            cause = f"rate limited (HTTP 429) {tries}"
        elif isinstance(exc, openai.AuthenticationError):
            named = f" in ${self.settings.api_key_env}" if self.settings.api_key_env else ""
            cause = f"authentication failed (HTTP 401): check the key{named}"
        elif isinstance(exc, openai.NotFoundError):
            cause = f"not found (HTTP 404): is model {self.model!r} served there? {self._scrub(exc.message)}"
        elif isinstance(exc, openai.APIStatusError):
            cause = f"HTTP {exc.status_code} {tries}: {self._scrub(exc.message)}"
        else:  # pragma: no cover - only the openai errors above reach here
            cause = self._scrub(str(exc))
        return LLMError(f"LLM at {self.where}: {cause}", stage=STAGE)
