//! `/deliver`: the delivery edition, the letter as its recipients will hold
//! it. The letter's text, its digest (and, once letters have versions, its
//! version), the counts by kind, every listed organisation, company and
//! individual in full, then what makes the paper checkable: the signed
//! snapshot's number, day and SHA-256, the site's public key and how to
//! verify. The print rules of the one stylesheet (`@media print` in
//! `style.css`) turn it into a document: margins, page numbers, a running
//! title, each group from a new page.
//!
//! At a million names the page is never whole in memory: the page is
//! rendered once around a mark, and the names are written between its two
//! halves one at a time ([`DeliverWriter`]).

use super::{names_list, Renderer};
use crate::domain::{Counts, Day, Kind, PublicSignatory};
use crate::messages::Text;
use maud::{html, Markup, PreEscaped};
use std::io::{self, Write};

/// Where the names go in the rendered page.
const NAMES_MARK: &str = "\u{1}names\u{1}";

/// A page frame other than the renderer's own (a static copy's): the
/// page's title and main part in, the whole page out.
pub type Frame<'a> = &'a dyn Fn(&str, Markup) -> String;

/// What the delivery edition says about the snapshot it lists.
#[derive(Clone, Debug)]
pub struct DeliverAbout {
    /// The snapshot's sequence number.
    pub seq: u64,
    /// The day it was signed.
    pub day: Day,
    /// The snapshot file's SHA-256, hex.
    pub sha256: String,
    /// The letter's digest (`Letter::sha256_hex`, the snapshot's `letter`).
    pub letter_sha256: String,
    /// The letter's version number. `None` until letter versions exist:
    /// the "letter" work fills it, and the page shows it beside the digest.
    pub letter_version: Option<u64>,
    /// The counts signed with it.
    pub counts: Counts,
    /// The site's public key, as `minisign -P` takes it.
    pub public_key: String,
}

/// Writes the delivery edition to `out`, one name at a time, the names
/// grouped by kind in page order (as a snapshot holds them).
pub struct DeliverWriter<'a, W: Write> {
    renderer: &'a Renderer,
    out: W,
    tail: String,
    counts: Counts,
    /// The kind of the group open now, if any.
    group: Option<Kind>,
}

impl Renderer {
    /// Starts the delivery edition of the snapshot `about` into `out`, in
    /// this renderer's page frame, or in `frame` (a static copy's).
    pub fn deliver<'r, W: Write>(
        &'r self,
        mut out: W,
        about: &DeliverAbout,
        frame: Option<Frame<'_>>,
    ) -> io::Result<DeliverWriter<'r, W>> {
        let (title, main) = self.deliver_main(about);
        let page = match frame {
            Some(frame) => frame(&title, main),
            None => self.frame(&title, main),
        };
        let (head, tail) = page.split_once(NAMES_MARK).unwrap_or((&page, ""));
        out.write_all(head.as_bytes())?;
        Ok(DeliverWriter { renderer: self, tail: tail.to_owned(), counts: about.counts, out, group: None })
    }

    /// The page's title, and its main part with [`NAMES_MARK`] where the
    /// names go.
    fn deliver_main(&self, about: &DeliverAbout) -> (String, Markup) {
        let l = &self.letter;
        let other = self.foreign_letter();
        let (lang, dir) = (other.map(|l| l.tag()), other.map(|l| l.dir()));
        let heading = self.t(Text::DeliverTitle);
        let main = html! {
            // Repeated at the top of every printed page (position: fixed in print).
            p.running aria-hidden="true" lang=[lang] dir=[dir] { (l.title) }
            article.letter.deliver {
                p.note { (heading) }
                h1 lang=[lang] dir=[dir] { (l.title) }
                @if let Some((original, path)) = &self.original {
                    p.notice {
                        (self.tf(Text::TranslationNote, &[("language", self.words.name_of(*original).into_owned().into())])) " "
                        a href=(path) hreflang=(original.tag()) { (self.t(Text::ReadTheOriginal)) }
                    }
                }
                dl.about {
                    @if let Some(version) = about.letter_version {
                        dt { (self.t(Text::DeliverLetterVersion)) }
                        dd { (version) }
                    }
                    dt { (self.t(Text::DeliverLetterDigest)) }
                    dd.digest dir="ltr" { code { (about.letter_sha256) } }
                }
                div.text lang=[lang] dir=[dir] {
                    (PreEscaped(&l.text_html))
                    @if !l.principles_html.is_empty() {
                        ul.principles { @for p in &l.principles_html { li { (PreEscaped(p)) } } }
                    }
                    (PreEscaped(&l.closing_html))
                }
            }
            section.signatories {
                h2 { (self.t(Text::Signatories)) }
                (self.counts_line(&about.counts))
                (PreEscaped(NAMES_MARK))
            }
            section.proof {
                h2 { (self.t(Text::DeliverProofHeading)) }
                p { (self.tf(Text::DeliverSnapshot, &[("seq", about.seq.into()), ("day", about.day.to_string().into())])) }
                dl.about {
                    dt { (self.t(Text::DeliverSnapshotDigest)) }
                    dd.digest dir="ltr" { code { (about.sha256) } }
                    dt { (self.t(Text::DeliverPublicKey)) }
                    dd.digest dir="ltr" { code { (about.public_key) } }
                }
                p { (self.t(Text::DeliverVerify)) }
                p.code dir="ltr" { code { "minisign -Vm snapshot.json -P " (about.public_key) } }
                p.code dir="ltr" { code { "sha256sum snapshot.json" } }
                p { (self.t(Text::DeliverVerifyAfter)) }
            }
        };
        (heading.into_owned(), main)
    }
}

impl<W: Write> DeliverWriter<'_, W> {
    /// One listed signatory; a new kind ends the group before it.
    pub fn signatory(&mut self, s: &PublicSignatory) -> io::Result<()> {
        if self.group != Some(s.kind) {
            self.close_group()?;
            let (r, kind) = (self.renderer, s.kind);
            let title = r.tf(
                Text::KindTitle,
                &[
                    ("kind", r.words.kind_plural(kind).into_owned().into()),
                    ("count", self.counts.listed(kind).into()),
                ],
            );
            // The section and its list stay open until the group ends.
            let heading = html! { h3 { (title) } }.into_string();
            write!(self.out, "<section class=\"group\">{heading}<ol class=\"names\">")?;
            self.group = Some(kind);
        }
        let item = names_list(&self.renderer.words, std::slice::from_ref(s), false).into_string();
        let item =
            item.strip_prefix("<ul class=\"names\">").and_then(|i| i.strip_suffix("</ul>")).unwrap_or(&item);
        self.out.write_all(item.as_bytes())
    }

    fn close_group(&mut self) -> io::Result<()> {
        if self.group.take().is_some() {
            self.out.write_all(b"</ol></section>")?;
        }
        Ok(())
    }

    /// Ends the last group and the page; gives back the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.close_group()?;
        self.out.write_all(self.tail.as_bytes())?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Catalogue;

    fn person(name: &str, kind: Kind) -> PublicSignatory {
        PublicSignatory {
            name: name.into(),
            kind,
            affiliation: None,
            country: None,
            verified: false,
            proof: None,
        }
    }

    #[test]
    fn each_group_is_a_section_of_its_own_with_its_names_in_order() {
        let r = Renderer::new(crate::letter::Content::embedded().letter, Catalogue::ENGLISH, 2, 3);
        let about = DeliverAbout {
            seq: 7,
            day: Day(20_000),
            sha256: "ab".repeat(32),
            letter_sha256: "cd".repeat(32),
            letter_version: None,
            counts: Counts { published: [1, 0, 2], listed: [1, 0, 2], pending: [0; 3] },
            public_key: "RWQkey".into(),
        };
        let mut w = r.deliver(Vec::new(), &about, None).unwrap();
        for s in [
            person("Org <One>", Kind::Organization),
            person("Ann", Kind::Individual),
            person("Bo", Kind::Individual),
        ] {
            w.signatory(&s).unwrap();
        }
        let page = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(page.matches("<section class=\"group\">").count(), 2);
        assert_eq!(page.matches("</ol></section>").count(), 2, "every group closed");
        let org = page.find("Org &lt;One&gt;").unwrap();
        let (ann, bo) = (page.find(">Ann<").unwrap(), page.find(">Bo<").unwrap());
        assert!(org < ann && ann < bo, "in the order given");
        assert!(page.find("</ol></section>").unwrap() < ann, "the first group closed before the next");
        assert!(page.contains(&format!("<code>{}</code>", "ab".repeat(32))));
        assert!(page.trim_end().ends_with("</html>"));
        assert!(!page.contains(NAMES_MARK));
    }
}
