#!/usr/bin/env python3
"""Whether two running servers' pages read and sound the same:

    bench/visible-text.py OLD_ADDR NEW_ADDR [PATH ...]   (default: / and each language's letter page)

For each path, both pages are parsed (Python's html.parser) into what a
reader sees or a screen reader says: the text outside <style>, in document
order, with each element's lang and dir (its own, or inherited: where the
text's direction is decided) and the attributes that are read out or shown
(alt, title, aria-label, placeholder, value; the form token is masked).
Markup that gives the same document (an omitted optional end tag, a <bdi>
for a <span dir="auto">) gives the same lines. Prints the bytes of each
page and the first difference, and exits 1 when any page differs.
"""
import html.parser, sys, urllib.request

SPOKEN = ("alt", "title", "aria-label", "placeholder", "value")
VOID = {"meta", "link", "input", "br", "hr", "img", "wbr", "source", "area", "base", "col", "embed", "track"}


class Reading(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.lines, self.skip = [], [], 0

    def context(self):
        lang = next((a["lang"] for a in reversed(self.stack) if "lang" in a), "")
        dirs = [a["dir"] for a in self.stack if "dir" in a]
        # <bdi> is dir=auto by definition.
        dirs += ["auto" for a in self.stack if a.get("_tag") == "bdi"]
        return f"{lang}/{dirs[-1] if dirs else ''}"

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        a["_tag"] = tag
        if tag == "li" and self.stack and self.stack[-1].get("_tag") == "li":
            self.stack.pop()  # an omitted </li>
        if tag == "style":
            self.skip += 1
        if a.get("name") == "token":
            a["value"] = "TOKEN"
        for k in SPOKEN:
            if a.get(k):
                self.lines.append(f"{self.context()} @{k}={a[k]}")
        if tag not in VOID:
            self.stack.append(a)

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip -= 1
        while self.stack:
            if self.stack.pop().get("_tag") == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.lines.append(f"{self.context()} {data}")


def read(addr, path):
    body = urllib.request.urlopen(urllib.request.Request(f"http://{addr}{path}", headers={"Accept-Language": "en"})).read()
    r = Reading()
    r.feed(body.decode())
    return len(body), [" ".join(l.split()) for l in r.lines]


old, new, *paths = sys.argv[1:]
paths = paths or ["/", "/es/", "/fa/", "/ru/", "/zh-Hans/"]
same = True
for path in paths:
    (ob, ol), (nb, nl) = read(old, path), read(new, path)
    diff = next((i for i, (a, b) in enumerate(zip(ol, nl)) if a != b), None)
    if diff is None and len(ol) != len(nl):
        diff = min(len(ol), len(nl))
    print(f"{path}: {ob} -> {nb} bytes ({nb - ob:+d}), {len(nl)} lines of text: {'same' if diff is None else 'DIFFERENT'}")
    if diff is not None:
        same = False
        print(f"  old: {ol[diff] if diff < len(ol) else '(end)'}\n  new: {nl[diff] if diff < len(nl) else '(end)'}")
sys.exit(0 if same else 1)
