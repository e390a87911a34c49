#!/usr/bin/python3
"""test_doc_words.py BINARY SOURCE_DIR - every document the demo can produce,
read as a person reads it, in French and in English (docs/pwa.md, "Words and
formats").

Starts the real server on the demo, logs in as the office, fetches every
document the demo can produce (plan, kits, evaluation, diagnostics,
footprint, dossier, oral defence) with ?lang=fr and ?lang=en, extracts its text (pdftotext, the ODT/ODP content.xml, the XLSX
cells through openpyxl, CSV/Markdown/HTML as they are) and fails on what
should never reach a person: internal ids (production p-..., member m-...,
device d-..., office-..., catalogue ids such as afnor:digital, snake_case
words such as meals_vegetarian), ISO dates in prose, French numbers written
with a decimal point, "(s)" plurals, and, in the English documents, any
sentence of the French text files (sync/domain/data/text.fr.json) that the
English file does not share. An ISO date alone in a CSV or XLSX cell is a
machine value and allowed. Each file is named after the production's title
(Content-Disposition, plain ASCII), never its id. Then the account's
language setting (a "self-" preferences record) must pick English when
?lang is absent, and an unknown ?lang is refused with 400.

The findings listed in KNOWN are the only ones allowed (none today).

The diagnostic's own sentences (the C2 analysis, the C1 partners' notes:
"diag.project.*" and "diag.ctx.partner_note.*" in the text files) must not
reach an English reader in French: neither in the C1/C2 PDFs and the
dossier, nor in the C2 API JSON the screens show. The French documents must
hold them (the check reads what it should).
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from http.cookiejar import CookieJar

import openpyxl

BIN, SRC = sys.argv[1], sys.argv[2]
LOGIN = {"email": "eco@demo.ecoplateau.fr", "password": "demo-ecoplateau"}
PROD = "p-loue-2026"
API = "/api/v1/productions/" + PROD
AUDIENCES = ["diffuseur", "financeur", "partenaires", "collaborateurs", "grand_public"]

# (name, method, path, kind). kind says how to read the bytes.
DOCS = [
    ("plan.csv", "GET", API + "/plan.csv", "csv"),
    ("plan.xlsx", "GET", API + "/plan.xlsx", "xlsx"),
    ("plan.pdf", "GET", API + "/plan.pdf", "pdf"),
    ("evaluation.pdf", "GET", API + "/evaluation?format=pdf", "pdf"),
    ("diagnostic-C1.pdf", "POST", API + "/diagnostic/company?format=pdf", "pdf"),
    ("analyse-C2.pdf", "POST", API + "/diagnostic/project?format=pdf", "pdf"),
]
for who in AUDIENCES:
    DOCS.append((f"kit-{who}.pdf", "GET", f"{API}/kit?audience={who}&format=pdf", "pdf"))
    DOCS.append((f"kit-{who}.md", "GET", f"{API}/kit?audience={who}&format=md", "text"))
    DOCS.append((f"kit-{who}.html", "GET", f"{API}/kit?audience={who}&format=html", "html"))
DOCS += [
    ("footprint.csv", "GET", API + "/footprint.csv", "csv"),
    ("footprint.xlsx", "GET", API + "/footprint.xlsx", "xlsx"),
    ("footprint.pdf", "GET", API + "/footprint.pdf", "pdf"),
    ("dossier.pdf", "GET", API + "/dossier?format=pdf", "pdf"),
    ("dossier.odt", "GET", API + "/dossier?format=odt", "odf"),
    ("dossier.md", "GET", API + "/dossier?format=md", "text"),
    ("oral.pdf", "GET", API + "/oral?format=pdf", "pdf"),
    ("oral.odp", "GET", API + "/oral?format=odp", "odf"),
    ("jury.pdf", "GET", API + "/oral?format=prep", "pdf"),
]
# The demo production's title, as a file name says it (fmt_slug).
TITLE_SLUG = "le-fil-de-la-loue"
# Documents whose file name is fixed (the diagnostics name no production).
FIXED_NAMES = {"diagnostic-C1.pdf", "analyse-C2.pdf"}

# (document, finding) allowed: none. A finding to allow is named here, with
# the module that writes it and why.
KNOWN = set()

# Documents carrying the diagnostic's sentences, checked for French ones in English.
ANALYSIS_DOCS = ["analyse-C2.pdf", "diagnostic-C1.pdf", "dossier.md", "dossier.odt", "dossier.pdf"]

ID_PATTERNS = [
    ("production id", re.compile(r"(?<![\w/.-])p-[a-z0-9]+(?:-[a-z0-9]+)+")),
    ("member id", re.compile(r"(?<![\w/.-])m-[a-z][a-z0-9]*(?:-[a-z0-9]+)*\b")),
    ("device id", re.compile(r"(?<![\w/.-])d-[a-z0-9]+(?:-[a-z0-9]+)*\b")),
    ("phone id", re.compile(r"\boffice-[a-z0-9-]+")),
    ("catalogue id", re.compile(r"\b[a-z]{3,}:[a-z][a-z_]*\b")),
    ("snake_case", re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b")
ISO_ALONE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?$")
FR_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
PAREN_S = re.compile(r"\w\((?:s|e|es|x)\)")
URL = re.compile(r"https?://\S+|/api/v1/\S+|#/\S+|\b[\w.-]+@[\w.-]+\b")
SAFE_NAME = re.compile(r'^attachment; filename="([a-z0-9][A-Za-z0-9.-]*)"$')


def squash(text):
    """Spaces of any kind (line ends, no-break, layout columns) as one."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def french_sentences():
    """Pieces of the French text files that the English file does not
    share: between placeholders, at least 24 characters, none found in any
    English text. One in an English document is French leaking through."""
    data = os.path.join(SRC, "sync/domain/data")
    fr = json.load(open(os.path.join(data, "text.fr.json")))
    en = json.load(open(os.path.join(data, "text.en.json")))
    english = squash("\n".join(en.values()))
    out = set()
    for key, text in fr.items():
        for piece in re.split(r"\{[a-z_]+\}|\n", text):
            piece = squash(piece).strip(" .,;:")
            if len(piece) >= 24 and piece not in english:
                out.add(piece)
    return sorted(out)


def start_server(tmp):
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "log"), "w")
    proc = subprocess.Popen(
        [BIN, "serve", "--demo", "--port", "0", "--data-dir", os.path.join(tmp, "d"),
         "--pwa-dir", os.path.join(SRC, "pwa"), "--port-file", port_file],
        stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(600):
        if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
            return proc, int(open(port_file).read().strip())
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    sys.exit("FAIL: server did not start: " + open(os.path.join(tmp, "log")).read()[-2000:])


class Client:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""
        self.headers = {}

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("X-EP-Production", PROD)
        if self.csrf:
            req.add_header("X-EP-CSRF", self.csrf)
        try:
            with self.opener.open(req, timeout=60) as res:
                self.headers = res.headers
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


def seed_diagnostics():
    """The demo's C1 (this year, with last year) and C2 bodies, built from the
    seed as the PWA builds them (pwa/js/ui/diag.js answersOf/framingOf)."""
    seed = json.load(open(os.path.join(SRC, "backend/demo/seed.json")))
    recs = {}

    def walk(x):
        if isinstance(x, dict):
            if isinstance(x.get("diagnostics"), list):
                for d in x["diagnostics"]:
                    recs[d["id"]] = d["fields"]
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(seed)

    def answers(f):
        a = {"year": 2026}
        ch = {}
        for k, v in f.items():
            if k in ("kind", "company") or k.startswith("edit_"):
                continue
            if k.startswith("afnor_ch_"):
                ch[k[len("afnor_ch_"):]] = v
            else:
                a[k] = v
        if ch:
            a["afnor_chapters"] = ch
        return a

    this, last = recs["c1-this-year"], recs["c1-last-year"]
    c1 = {"answers": answers(this), "previous": answers(last), "company": this["company"],
          "edits": {k[5:]: v for k, v in this.items() if k.startswith("edit_")}}
    c2 = {k: v for k, v in recs["c2-project"].items() if k not in ("kind", "format")}
    return c1, c2


def text_of(kind, data, tmp):
    """[(text, is_cell)]: what a person reads, piece by piece."""
    if kind == "pdf":
        path = os.path.join(tmp, "doc.pdf")
        open(path, "wb").write(data)
        out = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, check=True)
        return [(out.stdout.decode(), False)]
    if kind == "odf":
        z = zipfile.ZipFile(io.BytesIO(data))
        xml = z.read("content.xml").decode()
        xml = re.sub(r"<text:s[^>]*/>", " ", xml)
        xml = re.sub(r"<text:(?:p|h|line-break|tab)[^>]*>", "\n", xml)
        return [(re.sub(r"<[^>]+>", "", xml), False)]
    if kind == "xlsx":
        path = os.path.join(tmp, "doc.xlsx")
        open(path, "wb").write(data)
        wb = openpyxl.load_workbook(path)
        out = [(name, False) for name in wb.sheetnames]
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                out += [(v, True) for v in row if isinstance(v, str)]
        return out
    text = data.decode("utf-8")
    if kind == "csv":
        rows = csv.reader(io.StringIO(text), delimiter=";")
        return [(cell, True) for row in rows for cell in row]
    if kind == "html":
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
        text = re.sub(r'\bsrc="data:[^"]*"', "", text)
        alts = re.findall(r'\b(?:alt|title|aria-label)="([^"]*)"', text)
        text = re.sub(r"<[^>]+>", " ", text)
        return [(text, False)] + [(a, False) for a in alts]
    return [(text, False)]


def french_phrases():
    """Pieces of the French analysis texts no English text holds: what an
    English reader must never read (split at placeholders and punctuation,
    whitespace-normalised, long enough to be a phrase)."""
    data = os.path.join(SRC, "sync", "domain", "data")
    fr = json.load(open(os.path.join(data, "text.fr.json"), encoding="utf-8"))
    en = json.load(open(os.path.join(data, "text.en.json"), encoding="utf-8"))
    en_all = " ".join(" ".join(v.split()) for v in en.values())
    out = set()
    for k, v in fr.items():
        if not k.startswith(("diag.project.", "diag.ctx.partner_note.")):
            continue
        for part in re.split(r"\{[a-z_]+\}|[:;,.()«»]", v):
            part = " ".join(part.split())
            if len(part) >= 16 and part not in en_all:
                out.add(part)
    return out


def flat(text):
    return " ".join(text.split())


def analysis_words(res):
    """The C2 API result's words a screen shows, joined."""
    out = []
    for x in res.get("impacts", []):
        out += [x.get("element", ""), x.get("impact", "")]
    for x in res.get("themes", []):
        out += [x.get("label", ""), x.get("why", "")]
    for x in res.get("actions", []):
        out += [x.get("title", ""), x.get("rationale", "")]
    return "\n".join(out)


def findings(pieces, lang, french=()):
    bad = []
    if lang == "en":
        whole = squash(" ".join(p for p, _ in pieces))
        bad += [f"French sentence {f[:60]!r}" for f in french if f in whole]
    for piece, is_cell in pieces:
        piece = URL.sub(" ", piece)
        for what, rx in ID_PATTERNS:
            bad += [f"{what} {m.group(0)!r}" for m in rx.finditer(piece)]
        if not (is_cell and ISO_ALONE.match(piece.strip())):
            bad += [f"ISO date {m.group(0)!r}" for m in ISO_DATE.finditer(piece)]
        if lang == "fr" and not is_cell:
            bad += [f"decimal point {m.group(0)!r}" for m in FR_POINT.finditer(piece)]
        bad += [f"plural {m.group(0)!r}" for m in PAREN_S.finditer(piece)]
    seen, out = set(), []
    for b in bad:
        if b not in seen:
            seen.add(b)
            out.append(b)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="ep-docwords-")
    proc = None
    failures = []
    french = french_sentences()
    assert len(french) > 100, f"only {len(french)} French sentences to look for"
    try:
        proc, port = start_server(tmp)
        cl = Client(port)
        st, body = cl.call("POST", "/api/v1/auth/login", LOGIN)
        assert st == 200, (st, body)
        cl.csrf = json.loads(body)["csrf"]
        c1, c2 = seed_diagnostics()
        bodies = {"diagnostic-C1.pdf": c1, "analyse-C2.pdf": c2}
        texts = {}
        for lang in ("fr", "en"):
            for name, method, path, kind in DOCS:
                sep = "&" if "?" in path else "?"
                st, data = cl.call(method, f"{path}{sep}lang={lang}", bodies.get(name))
                if st != 200:
                    failures.append(f"{name} [{lang}]: HTTP {st} {data[:200]!r}")
                    continue
                # Named for a person: the title, not the id, in plain ASCII.
                disp = cl.headers.get("Content-Disposition", "")
                m = SAFE_NAME.match(disp)
                if not m or PROD in disp or (
                        name not in FIXED_NAMES and TITLE_SLUG not in m.group(1)):
                    failures.append(f"{name} [{lang}]: file name {disp!r}")
                pieces = text_of(kind, data, tmp)
                texts[(name, lang)] = "\n".join(p for p, _ in pieces)
                bad = [b for b in findings(pieces, lang, french) if (name, b) not in KNOWN]
                if bad:
                    failures.append(f"{name} [{lang}]: " + "; ".join(bad[:12]))
        # The diagnostic's sentences: none French in English, documents and API.
        phrases = french_phrases()
        if len(phrases) < 50:
            failures.append(f"only {len(phrases)} French analysis phrases found in text.fr.json")
        for name in ANALYSIS_DOCS:
            fr, en = texts.get((name, "fr")), texts.get((name, "en"))
            if fr is None or en is None:
                continue
            held = [p for p in phrases if p in flat(fr)]
            leaked = sorted(p for p in phrases if p in flat(en))
            if name in ("analyse-C2.pdf", "dossier.md") and len(held) < 5:
                failures.append(f"{name} [fr]: holds {len(held)} analysis phrases, want 5 or more")
            if leaked:
                failures.append(f"{name} [en]: French analysis text " + "; ".join(leaked[:5]))
        for lang in ("fr", "en"):
            st, data = cl.call("POST", f"{API}/diagnostic/project?lang={lang}", c2)
            if st != 200:
                failures.append(f"diagnostic/project [{lang}]: HTTP {st} {data[:200]!r}")
                continue
            words = flat(analysis_words(json.loads(data)))
            found = sorted(p for p in phrases if p in words)
            if lang == "en" and found:
                failures.append("diagnostic/project [en]: French text " + "; ".join(found[:5]))
            if lang == "fr" and len(found) < 5:
                failures.append(f"diagnostic/project [fr]: {len(found)} analysis phrases")
        # The estimate the forecast is offered names its categories in words.
        cats = {}
        for lang in ("fr", "en"):
            st, data = cl.call("GET", f"{API}/diagnostic/project/estimate?lang={lang}")
            if st != 200:
                failures.append(f"diagnostic/project/estimate [{lang}]: HTTP {st} {data[:200]!r}")
                continue
            cats[lang] = sorted(v["label"] for v in json.loads(data)["by_category"].values())
        if not cats.get("fr") or cats.get("fr") == cats.get("en"):
            failures.append(f"diagnostic/project/estimate: categories {cats}, want fr and en")
        # The same document in the two languages differs (labels, headings).
        for name, _, _, _ in DOCS:
            fr, en = texts.get((name, "fr")), texts.get((name, "en"))
            if fr is not None and fr == en:
                failures.append(f"{name}: English and French texts are identical")
        # Without ?lang, the person's setting decides: English once set.
        st, _ = cl.call("GET", API + "/plan.csv?lang=de")
        if st != 400:
            failures.append(f"plan.csv?lang=de: HTTP {st}, want 400")
        st, data = cl.call("GET", API + "/plan.pdf")
        if st != 200 or text_of("pdf", data, tmp)[0][0] != texts.get(("plan.pdf", "fr")):
            failures.append("plan.pdf without ?lang and no setting is not the French one")
        st, body = cl.call("PUT", API + "/members/m-claire/preferences", {"language": "en"})
        if st not in (200, 201, 204):
            failures.append(f"setting the language: HTTP {st} {body[:200]!r}")
        else:
            st, data = cl.call("GET", API + "/plan.pdf")
            got = text_of("pdf", data, tmp)[0][0] if st == 200 else None
            if got != texts.get(("plan.pdf", "en")):
                failures.append("plan.pdf without ?lang does not follow the language setting")
            st, data = cl.call("GET", API + "/evaluation?format=pdf&lang=fr")
            got = text_of("pdf", data, tmp)[0][0] if st == 200 else None
            if got != texts.get(("evaluation.pdf", "fr")):
                failures.append("?lang=fr does not win over the language setting")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    for line in failures:
        print("FAIL: " + line)
    if failures:
        sys.exit(1)
    print(f"ok: {len(DOCS)} documents in fr and en")


if __name__ == "__main__":
    main()
