//! The letter's HTML as a mirror shows it: only what the origin's Markdown
//! renderer ([`crate::letter`], pulldown-cmark without raw HTML or images)
//! makes. A snapshot is signed by the origin, but a mirror shows it to its
//! own readers: an origin (or its key in the wrong hands) must not run a
//! script, load anything or restyle a mirror's pages, so every tag is
//! rebuilt from an allow-list, every attribute but a link's safe `href`
//! and a list's `start` dropped, and every other byte escaped.
//!
//! A tokenizer of our own rather than a full HTML5 parser (`ammonia` and
//! `html5ever`): the input worth showing is pulldown-cmark's plain output,
//! and the output is built only from what is recognised, so a construct
//! this reads differently from a browser loses markup, never escapes.

use crate::letter::Letter;

/// Elements pulldown-cmark makes from the letter's Markdown.
const ELEMENTS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
];
/// Those that take no closing tag.
const VOID: &[&str] = &["br", "hr"];
/// Elements whose content is dropped with them, not shown as text.
const DROPPED_WITH_CONTENT: &[&str] = &["script", "style", "template", "textarea", "title", "noscript"];
/// Open elements at most; deeper ones are dropped (their text kept).
const MAX_DEPTH: usize = 32;

/// `letter` with each of its HTML fields sanitised.
pub fn letter(mut letter: Letter) -> Letter {
    letter.text_html = html(&letter.text_html);
    letter.principles_html = letter.principles_html.iter().map(|p| html(p)).collect();
    letter.closing_html = html(&letter.closing_html);
    letter.sign_up_html = html(&letter.sign_up_html);
    letter.disclaimer_html = html(&letter.disclaimer_html);
    letter
}

/// `input` with only the allowed elements, rebuilt, and every element
/// left open closed at the end.
pub fn html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut open: Vec<&'static str> = Vec::new();
    let mut rest = input;
    while let Some(lt) = rest.find('<') {
        text(&rest[..lt], &mut out);
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        let Some((tag, after)) = Tag::parse(rest) else {
            out.push_str("&lt;");
            rest = &rest[1..];
            continue;
        };
        rest = after;
        let name = tag.name.to_ascii_lowercase();
        if !tag.closing && DROPPED_WITH_CONTENT.contains(&name.as_str()) {
            rest = skip_past_close(rest, &name);
            continue;
        }
        let Some(&name) = ELEMENTS.iter().find(|e| **e == name) else { continue };
        if VOID.contains(&name) {
            if !tag.closing {
                out.push_str(&format!("<{name} />"));
            }
        } else if tag.closing {
            // Close it and whatever was left open inside it; a stray close is dropped.
            if let Some(at) = open.iter().rposition(|o| *o == name) {
                for o in open.drain(at..).rev() {
                    out.push_str(&format!("</{o}>"));
                }
            }
        } else if open.len() < MAX_DEPTH {
            out.push('<');
            out.push_str(name);
            match name {
                "a" => {
                    if let Some(href) = tag.attr("href").and_then(safe_href) {
                        out.push_str(&format!(" href=\"{}\"", escape(&href)));
                    }
                    if let Some(title) = tag.attr("title") {
                        out.push_str(&format!(" title=\"{}\"", escape(&title.replace("&amp;", "&"))));
                    }
                }
                "ol" => {
                    if let Some(start) =
                        tag.attr("start").filter(|s| s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
                    {
                        out.push_str(&format!(" start=\"{start}\""));
                    }
                }
                _ => {}
            }
            out.push('>');
            open.push(name);
        }
    }
    text(rest, &mut out);
    for o in open.into_iter().rev() {
        out.push_str(&format!("</{o}>"));
    }
    out
}

/// Text between tags: kept as it is, but a `&` that begins no entity and
/// a `>` escaped (there is no `<` in it).
fn text(t: &str, out: &mut String) {
    let mut rest = t;
    while let Some(amp) = rest.find(['&', '>']) {
        out.push_str(&rest[..amp]);
        if rest[amp..].starts_with('>') {
            out.push_str("&gt;");
        } else if entity_len(&rest[amp..]).is_some() {
            out.push('&');
        } else {
            out.push_str("&amp;");
        }
        rest = &rest[amp + 1..];
    }
    out.push_str(rest);
}

/// The length of the entity `s` begins with (`&name;`, `&#123;`, `&#x1F;`).
fn entity_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('&')?;
    let end = body.find(';')?;
    let name = &body[..end];
    let ok = (1..=32).contains(&name.len())
        && (name.bytes().all(|b| b.is_ascii_alphanumeric())
            || name.strip_prefix('#').is_some_and(|n| {
                let n = n.strip_prefix(['x', 'X']).unwrap_or(n);
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_hexdigit())
            }));
    ok.then_some(end + 2)
}

/// A link's target, if it is one to keep: `http(s):`, `mailto:` or no
/// scheme, with `&amp;` as its only entity and no control character or
/// space (which browsers would drop to read another scheme).
fn safe_href(raw: &str) -> Option<String> {
    let value = raw.replace("&amp;", "&");
    if value.contains('&') && value.match_indices('&').any(|(i, _)| entity_len(&value[i..]).is_some()) {
        return None;
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
        return None;
    }
    let scheme_end = value.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if value[i..].starts_with(':') => {
            let scheme = value[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto").then_some(value)
        }
        _ => Some(value),
    }
}

/// An attribute value as written out.
fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Past the close tag of `name` (case-insensitive), or the end.
fn skip_past_close<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(at) => s[at..].find('>').map_or("", |end| &s[at + end + 1..]),
        None => "",
    }
}

/// One tag as written: its name, whether it closes, its attributes' text.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attrs: &'a str,
}

impl<'a> Tag<'a> {
    /// The tag `s` begins with (at its `<`) and what follows it; `None`
    /// when the `<` begins no tag (it is text).
    fn parse(s: &'a str) -> Option<(Tag<'a>, &'a str)> {
        let inner = &s[1..];
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let name_len = inner.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(inner.len());
        if name_len == 0 || !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let (name, after_name) = inner.split_at(name_len);
        // The tag ends at the first `>` outside quotes.
        let mut quote = None;
        for (i, c) in after_name.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    return Some((Tag { name, closing, attrs: &after_name[..i] }, &after_name[i + 1..]));
                }
                (None, _) => {}
            }
        }
        // Never closed: the rest is the tag's, and dropped with it.
        Some((Tag { name: "", closing, attrs: "" }, ""))
    }

    /// The value of attribute `wanted` (the first of that name).
    fn attr(&self, wanted: &str) -> Option<&'a str> {
        let mut rest = self.attrs;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            let name_end =
                rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
            let name = &rest[..name_end];
            rest = rest[name_end..].trim_start();
            let value = match rest.strip_prefix('=') {
                None => "",
                Some(v) => {
                    let v = v.trim_start();
                    let (value, after) = match v.chars().next() {
                        Some(q @ ('"' | '\'')) => match v[1..].find(q) {
                            Some(end) => (&v[1..1 + end], &v[end + 2..]),
                            None => (&v[1..], ""),
                        },
                        _ => {
                            let end = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                            (&v[..end], &v[end..])
                        }
                    };
                    rest = after;
                    value
                }
            };
            if name.eq_ignore_ascii_case(wanted) {
                return Some(value);
            }
            if name.is_empty() {
                // A stray `=`: skip a character so the loop moves on.
                rest = rest.get(1..).unwrap_or("");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_markdown_makes_is_kept_as_it_is() {
        let letter = crate::letter::Content::embedded().letter;
        assert_eq!(self::letter(letter.clone()), letter);
        let made = "<h2>Why</h2>\n<ol start=\"3\">\n<li><em>a</em> &amp; <code>b &lt; c</code></li>\n</ol>\n<blockquote>\n<p>q<br />\nr</p>\n</blockquote>\n<hr />\n<p><a href=\"https://x.example/?a=1&amp;b=2\">l</a> <del>d</del> <strong>s</strong></p>\n<pre><code>x\n</code></pre>\n";
        assert_eq!(html(made), made);
    }

    #[test]
    fn scripts_handlers_and_other_hosts_are_dropped() {
        for (bad, shown) in [
            ("<script>alert(1)</script>ok", "ok"),
            ("<SCRIPT SRC=//x.example/a.js></SCRIPT>ok", "ok"),
            ("<img src=\"http://x.example/p.png\" onerror=\"alert(1)\">", ""),
            ("<p onclick=\"alert(1)\" style=\"color:red\">t</p>", "<p>t</p>"),
            ("<a href=\"javascript:alert(1)\">t</a>", "<a>t</a>"),
            ("<a href=\"java&#115;cript:alert(1)\">t</a>", "<a>t</a>"),
            ("<a href=\"java\tscript:alert(1)\">t</a>", "<a>t</a>"),
            ("<a href=\"data:text/html,x\">t</a>", "<a>t</a>"),
            (
                "<a title='x' href='/page?x=\"y\"'>t</a>",
                "<a href=\"/page?x=&quot;y&quot;\" title=\"x\">t</a>",
            ),
            ("<a href=mailto:a@x.example>t</a>", "<a href=\"mailto:a@x.example\">t</a>"),
            ("<!-- <script>alert(1)</script> -->t", "t"),
            ("<iframe src=\"http://x.example/\">f</iframe>", "f"),
            ("<style>p{}</style><p>t", "<p>t</p>"),
            ("a < b > c & d", "a &lt; b &gt; c &amp; d"),
            ("<p><em>unclosed", "<p><em>unclosed</em></p>"),
            ("</p></main></body>t", "t"),
            ("<p title=\"a>b\">t</p>", "<p>t</p>"),
            ("<p", ""),
        ] {
            assert_eq!(html(bad), shown, "{bad}");
        }
    }
}
