"""Handlers for the arXiv tests on a tests.support.local_server.LocalServer: replayed real API
responses and real PDFs from ../shared/data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.support.local_server import Handler, Reply, Request

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
FEED = "application/atom+xml; charset=utf-8"


# ------------------------------------------------------------------------------ the arXiv API, replayed


def api_file(shared_data: Path, name: str) -> bytes:
    return (shared_data / "arxiv-api" / name).read_bytes()


_ID_FILES = {
    "1707.08567": "api2026_id_1707.08567_s0_m100_6a1afebfc6a3.xml",
    "1605.08386": "api2026_id_1605.08386_s0_m100_199195aa31ad.xml",
    "2104.12255v1": "api2026_id_2104.12255v1_s0_m100_6ae69987ffe1.xml",
    "astro-ph/0601001": "api2026_id_astro-ph_0601001_s0_m100_3150dca9dc76.xml",
    "quant-ph/0201082v1": "api2026_id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml",
    "0808.05394,1707.08567": "api2026_id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml",
    "0000.0000": "api2026_id_0000.0000_s0_m100_8b51d9633a68.xml",
}
EMPTY_FEED = "api2026_id_0000.0000_s0_m100_8b51d9633a68.xml"
ERROR_FEED = "api2026_id_abc_s0_m100_b79c8dcf6bc3.xml"
SEARCH_PAGES_10 = {
    0: "api2026_q_testing_s0_m10_bc5a6c384fe9.xml",
    10: "api2026_q_testing_s10_m10_34e56e15aaac.xml",
    20: "api2026_q_testing_s20_m10_348a237fecab.xml",
    30: "api2026_q_testing_s30_m10_f2e39f0143dc.xml",
    40: "api2026_q_testing_s40_m10_96dd32eb854c.xml",
    50: "api2026_q_testing_s50_m10_7f488ab8598c.xml",
}
SEARCH_100 = "api2026_q_testing_s0_m100_cfe7536492ca.xml"


def real_entries(shared_data: Path) -> list[ET.Element]:
    """The ~100 real entries of the recorded 100-result search page."""
    root = ET.fromstring(api_file(shared_data, SEARCH_100))
    return root.findall(f"{{{ATOM}}}entry")


def real_titles(shared_data: Path) -> list[tuple[str, str]]:
    """(versioned id, title) of the recorded 100-result search page."""
    out = []
    for entry in real_entries(shared_data):
        entry_id = entry.findtext(f"{{{ATOM}}}id").rsplit("/abs/", 1)[1]
        out.append((entry_id, " ".join(entry.findtext(f"{{{ATOM}}}title").split())))
    return out


def feed_of(entries: list[ET.Element], total: int | None = None) -> bytes:
    """An Atom feed (as the API writes it) around real entries."""
    ET.register_namespace("", ATOM)
    ET.register_namespace("opensearch", OPENSEARCH)
    ET.register_namespace("arxiv", "http://arxiv.org/schemas/atom")
    root = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(root, f"{{{ATOM}}}title").text = "arXiv Query"
    ET.SubElement(root, f"{{{OPENSEARCH}}}totalResults").text = str(len(entries) if total is None else total)
    ET.SubElement(root, f"{{{OPENSEARCH}}}startIndex").text = "0"
    ET.SubElement(root, f"{{{OPENSEARCH}}}itemsPerPage").text = str(len(entries))
    root.extend(entries)
    return ET.tostring(root, xml_declaration=True, encoding="utf-8")


def arxiv_api_replay(shared_data: Path, pdf_origin: str | None = None) -> Handler:
    """Answers like export.arxiv.org from the recorded responses.

    - id_list: the recorded file for that list; an invalid id -> the recorded HTTP 400 error feed;
      any other list -> the real entries recorded for its ids (empty result when none).
    - search_query `ti:...` (title searches): real entries whose titles hold every searched word.
    - any other search_query: the recorded "testing" pages by `start` (page size 10), else the 100 page.
    With `pdf_origin`, PDF links point there instead of https://arxiv.org (as a mirror's would).
    """
    inner = _replay(shared_data)
    if pdf_origin is None:
        return inner

    def mirrored(request: Request) -> Reply:
        reply = inner(request)
        reply.body = reply.body.replace(b"https://arxiv.org/pdf/", pdf_origin.encode() + b"/pdf/")
        return reply

    return mirrored


def _replay(shared_data: Path) -> Handler:
    entries = real_entries(shared_data)
    by_id: dict[str, ET.Element] = {}  # versioned id -> a real entry, from every recorded file
    for path in sorted((shared_data / "arxiv-api").glob("api2026_*.xml")):
        for entry in ET.fromstring(path.read_bytes()).findall(f"{{{ATOM}}}entry"):
            entry_id = entry.findtext(f"{{{ATOM}}}id") or ""
            if "/abs/" in entry_id:
                by_id[entry_id.rsplit("/abs/", 1)[1]] = entry

    def lookup(requested: str) -> ET.Element | None:
        if requested in by_id:
            return by_id[requested]
        versions = [k for k in by_id if re.fullmatch(re.escape(requested) + r"v\d+", k)]
        return by_id[max(versions, key=lambda k: int(k.rsplit("v", 1)[1]))] if versions else None

    def handle(request: Request) -> Reply:
        if request.path != "/api/query":
            return Reply(404, b"not found", content_type="text/plain")
        ids = request.id_list
        if ids:
            key = ",".join(ids)
            if key in _ID_FILES:
                return Reply(200, api_file(shared_data, _ID_FILES[key]), content_type=FEED)
            if any(not re.fullmatch(r"[\w./-]+", i) or i == "abc" for i in ids):
                return Reply(400, api_file(shared_data, ERROR_FEED), content_type=FEED)
            found = [e for e in map(lookup, ids) if e is not None]
            if not found:
                return Reply(200, api_file(shared_data, EMPTY_FEED), content_type=FEED)
            return Reply(200, feed_of(found), content_type=FEED)  # a list never recorded as a whole: its real entries
        query = request.query.get("search_query", "")
        if query.startswith("ti:"):
            words = re.findall(r"ti:\"?([^\s\"()]+)", query)
            hits = [
                e for e in entries
                if all(w.lower() in " ".join(e.findtext(f"{{{ATOM}}}title").lower().split()) for w in words)
            ]
            limit = int(request.query.get("max_results", "10"))
            return Reply(200, feed_of(hits[:limit]), content_type=FEED)
        start = int(request.query.get("start", "0"))
        size = int(request.query.get("max_results", "10"))
        if size == 10 and start in SEARCH_PAGES_10:
            return Reply(200, api_file(shared_data, SEARCH_PAGES_10[start]), content_type=FEED)
        if start == 0:
            return Reply(200, api_file(shared_data, SEARCH_100), content_type=FEED)
        return Reply(200, feed_of([], total=0), content_type=FEED)

    return handle


# ------------------------------------------------------------------------------------------- PDFs


def pdf_server_handler(pdf_dir: Path) -> Handler:
    """Serves /pdf/<versioned id> from the real PDFs named arxiv_<id>v<N>_*.pdf."""
    by_id = {}
    for path in pdf_dir.glob("arxiv_*.pdf"):
        match = re.match(r"arxiv_(\d{4}\.\d{4,5}v\d+)_", path.name)
        if match:
            by_id[match.group(1)] = path

    def handle(request: Request) -> Reply:
        match = re.fullmatch(r"/pdf/(.+?)(?:\.pdf)?", request.path)
        if match and match.group(1) in by_id:
            return Reply(200, by_id[match.group(1)].read_bytes(), content_type="application/pdf")
        return Reply(404, b"<html>no such paper</html>", content_type="text/html")

    return handle
